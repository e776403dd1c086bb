package yamlsafe

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

func parseErr(t *testing.T, src string, lim Limits) *Error {
	t.Helper()
	_, err := Parse("f.yaml", []byte(src), lim)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Parse(%q) = %v, want *Error", src, err)
	}
	return e
}

func TestSyntaxErrorsNameTheRightLine(t *testing.T) {
	for _, c := range []struct {
		src       string
		line, col int
	}{
		{"a: 1\nb:\n  c: 1\n d: 2\n", 4, 2},
		{"a: 1\nb: 2\n- x\n", 3, 1},
		{"a: 1\nb: 2\nc: 3: 4\n", 3, 5},
		{"a: 1\nb: 2\nc: @x\n", 3, 4},
		{"a: 1\nb: *nope\n", 2, 4},
	} {
		e := parseErr(t, c.src, Limits{})
		if e.Line != c.line || e.Col != c.col {
			t.Errorf("%q: got %d:%d (%v), want %d:%d", c.src, e.Line, e.Col, e, c.line, c.col)
		}
		if !strings.HasPrefix(e.Error(), "f.yaml:") {
			t.Errorf("%q: %q does not start with the file", c.src, e)
		}
	}
}

func TestAliasCycleRefused(t *testing.T) {
	for _, src := range []string{
		"set: &m {payload.room: *m}\n",
		"a: &a\n  - b: &b\n      c: [*a]\n",
		"&r [*r]\n",
	} {
		e := parseErr(t, src, Limits{})
		if !strings.Contains(e.Msg, "cannot contain itself") {
			t.Errorf("%q: %v", src, e)
		}
	}
}

func TestAliasReuseAllowed(t *testing.T) {
	n, err := Parse("f.yaml", []byte("base: &b {x: 1}\none: *b\ntwo: [*b, *b]\n"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := n.Decode(&v); err != nil {
		t.Fatal(err)
	}
	if len(v["two"].([]any)) != 2 {
		t.Fatalf("got %v", v)
	}
}

// laughs is the "billion laughs" document: each level names the one before
// nine times, so ten levels in under a kilobyte expand to 10⁹ nodes.
func laughs(levels int) string {
	var b strings.Builder
	b.WriteString("l0: &l0 lol\n")
	for i := 1; i < levels; i++ {
		b.WriteString("l" + itoa(i) + ": &l" + itoa(i) + " [")
		for j := range 9 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*l" + itoa(i-1))
		}
		b.WriteString("]\n")
	}
	return b.String()
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestBillionLaughsRefusedFast(t *testing.T) {
	src := laughs(10)
	start := time.Now()
	e := parseErr(t, src, Limits{})
	if e.Limit != LimitExpansion || !strings.Contains(e.Error(), LimitExpansion) {
		t.Fatalf("got %v", e)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
	// Four levels expand to under a thousand nodes: fine.
	if _, err := Parse("f.yaml", []byte(laughs(4)), Limits{}); err != nil {
		t.Fatal(err)
	}
	// The floor is a setting.
	if _, err := Parse("f.yaml", []byte(laughs(4)), Limits{AliasFloor: 10, AliasRatio: 1}); err == nil {
		t.Fatal("a floor of 10 nodes let 4 levels of laughs through")
	}
}

func TestDepthAndSizeLimits(t *testing.T) {
	deep := strings.Repeat("[", 50) + strings.Repeat("]", 50)
	e := parseErr(t, deep, Limits{MaxDepth: 20})
	if e.Limit != LimitDepth || e.Line != 1 || e.Col != 21 {
		t.Fatalf("got %v (limit %q, %d:%d)", e, e.Limit, e.Line, e.Col)
	}
	if _, err := Parse("f.yaml", []byte(deep), Limits{MaxDepth: 60}); err != nil {
		t.Fatal(err)
	}
	e = parseErr(t, "a: 12345\n", Limits{MaxBytes: 4})
	if e.Limit != LimitBytes || !strings.Contains(e.Msg, "9 bytes") {
		t.Fatalf("got %v", e)
	}
}

func TestEmptyAndMultiDocument(t *testing.T) {
	for _, src := range []string{"", "# only a comment\n", "---\n"} {
		n, err := Parse("f.yaml", []byte(src), Limits{})
		if n != nil || err != nil {
			t.Errorf("%q: got %v, %v; want nil, nil", src, n, err)
		}
	}
	e := parseErr(t, "a: 1\n---\nb: 2\n", Limits{})
	if e.Line != 2 || !strings.Contains(e.Msg, "second YAML document") {
		t.Fatalf("got %v", e)
	}
	if _, err := Parse("f.yaml", []byte("a: 1\n---\n"), Limits{}); err != nil {
		t.Fatalf("a trailing --- was refused: %v", err)
	}
}

type dur time.Duration

func (d *dur) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return errors.New("line " + itoa(n.Line) + ", column " + itoa(n.Column) + ": not a duration")
	}
	*d = dur(v)
	return nil
}

type config struct {
	Addr     string `yaml:"addr"`
	Delivery struct {
		Workers int `yaml:"workers"`
		Timeout dur `yaml:"timeout"`
	} `yaml:"delivery"`
	Tags []string `yaml:"tags"`
}

func decodeErr(t *testing.T, src string) *Error {
	t.Helper()
	n, err := Parse("hookmock.yaml", []byte(src), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var c config
	err = Decode("hookmock.yaml", n, &c)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Decode(%q) = %v, want *Error", src, err)
	}
	return e
}

func TestDecodeUnknownKeyDidYouMean(t *testing.T) {
	e := decodeErr(t, "addr: x\ndelivry:\n  workers: 2\n")
	want := `hookmock.yaml:2:1: unknown key "delivry" (did you mean "delivery"?); valid keys: addr, delivery, tags`
	if e.Error() != want {
		t.Fatalf("got  %s\nwant %s", e, want)
	}
	e = decodeErr(t, "delivery:\n  wrokers: 2\n")
	if !strings.HasPrefix(e.Error(), `hookmock.yaml:2:3: delivery: unknown key "wrokers" (did you mean "workers"?)`) {
		t.Fatalf("got %s", e)
	}
}

func TestDecodeErrorsArePositioned(t *testing.T) {
	e := decodeErr(t, "delivery:\n  workers: many\n")
	if e.Line != 2 || e.Col != 12 || !strings.Contains(e.Msg, "delivery.workers") {
		t.Fatalf("got %v", e)
	}
	e = decodeErr(t, "delivery:\n  timeout: soon\n")
	if e.Line != 2 || e.Col != 12 || e.Msg != "delivery.timeout: not a duration" {
		t.Fatalf("got %v", e)
	}
	e = decodeErr(t, "tags: {a: 1}\n")
	if e.Line != 1 || !strings.Contains(e.Msg, "tags: want a list") {
		t.Fatalf("got %v", e)
	}
}

func TestDecodeGood(t *testing.T) {
	n, err := Parse("hookmock.yaml", []byte("addr: &a x\ntags: [*a, y]\ndelivery: {workers: 3, timeout: 2s}\n"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var c config
	if err := Decode("hookmock.yaml", n, &c); err != nil {
		t.Fatal(err)
	}
	if c.Addr != "x" || c.Delivery.Workers != 3 || time.Duration(c.Delivery.Timeout) != 2*time.Second || strings.Join(c.Tags, ",") != "x,y" {
		t.Fatalf("got %+v", c)
	}
}

func TestNearest(t *testing.T) {
	valid := []string{"events", "endpoint", "spec", "signing", "seed"}
	for in, want := range map[string]string{"evnets": "events", "Spec": "spec", "sed": "seed", "zzzzzz": ""} {
		got := strings.Join(Nearest(in, valid), ",")
		if got != want {
			t.Errorf("Nearest(%q) = %q, want %q", in, got, want)
		}
	}
}
