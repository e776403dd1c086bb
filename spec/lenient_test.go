package spec_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/spec"
)

// Each fixture of testdata/lenient is a small 3.1 document with one
// keyword (or value) real documents carry that JSON Schema 2020-12 does
// not define. Leniently it loads with a warning naming file, line and
// pointer and saying how it was read, and the reading shows in
// validation; strictly it is an error naming the same place.
func TestLenientFixtures(t *testing.T) {
	const value = "/components/schemas/Ping/properties/value"
	for _, c := range []struct {
		fixture, pointer, says string
		line                   int
		valid, invalid         []string // values of `value`
	}{
		{"nullable", value + "/nullable", `"null" is added to the type`, 19,
			[]string{`"x"`, `null`}, []string{`1`}},
		{"exclusive-minimum", value + "/exclusiveMinimum", "minimum 0 is exclusive", 19,
			[]string{`1`, `10`}, []string{`0`, `11`}},
		{"recursive-anchor", "/components/schemas/Tree/$recursiveAnchor", "dropped", 21,
			[]string{`{"name":"x"}`}, []string{`{"name":1}`}},
		{"unknown-keyword", value + "/max_items", `did you mean "maxItems"?`, 19,
			[]string{`["a","b","c","d"]`}, []string{`[1]`}},
		{"big-integer", value + "/maximum", "read exactly", 19,
			[]string{`9223372036854775808`, `18446744073709551615`}, []string{`18446744073709551616`, `"x"`}},
	} {
		t.Run(c.fixture, func(t *testing.T) {
			path := filepath.Join("testdata", "lenient", c.fixture+".yaml")
			s, err := spec.LoadFile(path)
			if err != nil {
				t.Fatalf("lenient load: %v", err)
			}
			ws := s.Warnings()
			if len(ws) == 0 {
				t.Fatal("no warning")
			}
			var w spec.Warning
			for _, x := range ws {
				if x.Pointer == c.pointer {
					w = x
				}
			}
			wantWhere := path + ":" + itoa(c.line) + " (" + c.pointer + ")"
			if w.Pointer != c.pointer || w.Where != wantWhere || !strings.Contains(w.Message, c.says) {
				t.Errorf("warning %+v\nwant at %s saying %q", w, wantWhere, c.says)
			}
			e, _ := s.Event("ping")
			for _, v := range c.valid {
				if vs := e.ValidateValue(body(t, v)); len(vs) > 0 {
					t.Errorf("value %s: %v", v, vs)
				}
			}
			for _, v := range c.invalid {
				if vs := e.ValidateValue(body(t, v)); len(vs) == 0 {
					t.Errorf("value %s validates", v)
				}
			}
			_, err = spec.LoadFile(path, spec.StrictLoad())
			if err == nil || !strings.Contains(err.Error(), path+":"+itoa(c.line)) {
				t.Errorf("strict load: %v; want an error at %s:%d", err, path, c.line)
			}
		})
	}
}

// A keyword in a schema no webhook reaches is nobody's concern at load:
// no warning, though lint (AllWarnings) lists it and strict still refuses.
func TestLenientUnreachedSilent(t *testing.T) {
	path := filepath.Join("testdata", "lenient", "unreached.yaml")
	s, err := spec.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if ws := s.Warnings(); len(ws) != 0 {
		t.Errorf("warnings about an unused component: %v", ws)
	}
	if n := len(s.AllWarnings()); n != 2 {
		t.Errorf("AllWarnings lists %d, want nullable and max_length: %v", n, s.AllWarnings())
	}
	if _, err := spec.LoadFile(path, spec.StrictLoad()); err == nil {
		t.Error("strict load accepted it")
	}
}

func body(t *testing.T, value string) any {
	dec := json.NewDecoder(strings.NewReader(`{"id":1,"value":` + value + `}`))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// JSON sources have no line table; a warning still names its line.
func TestLenientJSONLine(t *testing.T) {
	doc := `{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "webhooks": {"ping": {"post": {
    "requestBody": {"content": {"application/json": {"schema": {
      "type": "object",
      "properties": {
        "a": {"type": "string"},
        "b": {"type": "string",
              "nullable": true}
      }
    }}}},
    "responses": {"200": {"description": "ok"}}
  }}}
}`
	s, err := spec.LoadBytes("doc.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	ws := s.Warnings()
	want := "doc.json:10 (/webhooks/ping/post/requestBody/content/application~1json/schema/properties/b/nullable)"
	if len(ws) != 1 || ws[0].Where != want {
		t.Fatalf("warnings %v, want one at %s", ws, want)
	}
}
