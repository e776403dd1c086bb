package gate_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

const daily110 = "../../spec/daily/calltransfer-1.1.0.yaml"

func loadDaily(t *testing.T) (old, new *spec.Spec) {
	t.Helper()
	old, new, err := gate.LoadPair(context.Background(), "embedded:daily/calltransfer.yaml", daily110)
	if err != nil {
		t.Fatal(err)
	}
	return old, new
}

func TestDaily110IsAMinorChange(t *testing.T) {
	old, new := loadDaily(t)
	rep := gate.Compare(old, new, gate.Policy{})
	v := rep.Verdict()
	if !v.Pass || v.Required != gate.Minor || v.Breaking != 0 {
		t.Fatalf("verdict %+v\n%s", v, dump(rep))
	}
	var added []string
	for _, f := range rep.Findings {
		if f.Level != gate.Info {
			if f.Rule != "property-added" || f.Event != "calltransfer.completed" {
				t.Errorf("unexpected %s on %s: %s", f.Rule, f.Event, f.Message)
			}
			added = append(added, strings.Join(f.Paths, ","))
		}
	}
	want := "/payload/completeStatus /payload/complete_status /payload/notify_sip_response_code /payload/refer_sip_response_code"
	if strings.Join(added, " ") != want {
		t.Errorf("added %v, want %s", added, want)
	}
	for _, c := range rep.Checks {
		wantNew := "1.0.0"
		if c.Event == "" || c.Event == "calltransfer.completed" {
			wantNew = "1.1.0"
		}
		if c.Status != gate.CheckOK || c.New != wantNew {
			t.Errorf("%s: %s %s", c.Subject(), c.Status, c.Message)
		}
	}
}

// The 1.1.0 examples, including the constructed sip-refer one, must
// validate, and 1.0.0's examples must still validate against 1.1.0.
func TestDaily110ExamplesValidate(t *testing.T) {
	old, new := loadDaily(t)
	for _, s := range []*spec.Spec{old, new} {
		for _, e := range s.Events {
			ne, _ := new.Event(e.Name)
			for _, x := range e.Examples {
				if vs := ne.ValidateValue(x.Value); len(vs) > 0 {
					t.Errorf("%s example %q: %v", s.Where(x.Ptr), x.Name, vs)
				}
			}
		}
	}
}

// brokenDaily110 removes `room` from calltransfer.completed's payload
// while keeping the minor bump.
func brokenDaily110(t *testing.T) *spec.Spec {
	t.Helper()
	data, err := os.ReadFile(daily110)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i := strings.Index(doc, "    CalltransferCompletedPayload:")
	head, tail := doc[:i], doc[i:]
	tail = edit(t, tail, "required: [domain_id, room, ", "required: [domain_id, ",
		`        room:
          type: string
          minLength: 1
          description: The name of the room where call-transfer event occurred.
`, "")
	return load(t, "calltransfer-1.1.0-broken.yaml", head+tail)
}

func brokenReport(t *testing.T) *gate.Report {
	t.Helper()
	old, _ := loadDaily(t)
	broken := brokenDaily110(t)
	rep := gate.Compare(old, broken, gate.Policy{})
	cs, err := gate.LoadConsumers("testdata/consumers")
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.ApplyConsumers(cs, old, broken); err != nil {
		t.Fatal(err)
	}
	if rep.Replay, err = gate.Replay(broken, "testdata/events"); err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestBrokenDaily110Fails(t *testing.T) {
	rep := brokenReport(t)
	v := rep.Verdict()
	if v.Pass || v.Required != gate.Major {
		t.Fatalf("verdict %+v", v)
	}
	var removed *gate.Finding
	for i, f := range rep.Findings {
		if f.Level == gate.Breaking {
			if removed != nil {
				t.Errorf("second breaking finding %s", f.Rule)
			}
			removed = &rep.Findings[i]
		}
	}
	if removed == nil || removed.Rule != "property-removed" || removed.Event != "calltransfer.completed" ||
		removed.OldPointer != "/components/schemas/CalltransferCompletedPayload/properties/room" ||
		removed.NewPointer != "/components/schemas/CalltransferCompletedPayload/properties" ||
		strings.Join(removed.Paths, ",") != "/payload/room" {
		t.Fatalf("removal finding: %+v", removed)
	}
	if !strings.HasPrefix(removed.OldWhere, "embedded:daily/calltransfer.yaml:") {
		t.Errorf("old location %q should name file:line", removed.OldWhere)
	}
	// Consumers: billing reads payload.room; dialer reads other fields;
	// audit does not consume the event.
	if got := strings.Join(removed.Consumers, ","); got != "billing" {
		t.Errorf("breaks %q, want billing", got)
	}
	states := map[string]bool{}
	for _, c := range rep.Consumers {
		states[c.Name] = c.Broken
	}
	if !states["billing"] || states["dialer"] || states["audit"] || len(states) != 3 {
		t.Errorf("consumer states %v", states)
	}
	for _, c := range rep.Checks {
		if c.Event == "calltransfer.completed" && c.Status != gate.CheckTooSmall {
			t.Errorf("completed envelope check: %s", c.Message)
		}
	}
}

func TestReplay(t *testing.T) {
	_, new := loadDaily(t)
	rp, err := gate.Replay(new, "testdata/events")
	if err != nil {
		t.Fatal(err)
	}
	if rp.Files != 3 || rp.Events != 4 || len(rp.Failures) != 2 || rp.Invalid() != 2 {
		t.Fatalf("replay %+v", rp)
	}
	// The untyped event is found by its file name, and fails for lack of
	// the `type` the contract requires.
	if f := rp.Failures[0]; f.Event != "calltransfer.triggered" || f.Pointer != "/type" {
		t.Errorf("untyped: %+v", f)
	}
	f := rp.Failures[1]
	if !strings.HasSuffix(f.File, "recorded.ndjson") || f.Index != 1 || f.Line != 2 || f.Pointer != "/payload/completeStatus" ||
		f.Event != "calltransfer.completed" || !strings.Contains(f.Message, "minLength") {
		t.Errorf("failure %+v", f)
	}
	if _, err := gate.Replay(new, t.TempDir()); err == nil {
		t.Error("an empty directory should be an error")
	}
}

func TestConsumerErrorsNameFileAndLine(t *testing.T) {
	for src, want := range map[string]string{
		"name: x\nevnts: [a]\n":                      `c.yaml:2:1: unknown key "evnts" (did you mean "events"?)`,
		"events: [a]\nreads:\n  b: [payload.x]\n":    `c.yaml:3: reads names "b", which is not in events`,
		"events: a\n":                                `c.yaml:1:9: events must be a list`,
		"reads:\n  calltransfer.completed: [a..b]\n": `c.yaml:2:28: field "a..b": empty segment`,
	} {
		if _, err := gate.ParseConsumer("c.yaml", []byte(src)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
	old, new := loadDaily(t)
	c, err := gate.ParseConsumer("c.yaml", []byte("name: x\nevents:\n  - calltransfer.completed\n  - calltransfer.complete\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = gate.Compare(old, new, gate.Policy{}).ApplyConsumers([]gate.Consumer{c}, old, new)
	if err == nil || !strings.Contains(err.Error(), `c.yaml:4: consumer "x" names event "calltransfer.complete"`) {
		t.Errorf("unknown event: %v", err)
	}
}

func TestMarkdownReport(t *testing.T) {
	var b bytes.Buffer
	if err := brokenReport(t).Write(&b, "markdown"); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"## ❌ hookmock gate FAIL: Daily call-transfer webhooks 1.0.0 → 1.1.0",
		"| info.version | `1.0.0` | `1.1.0` | major | minor | too-small |",
		"| calltransfer.completed envelope version | `1.0.0` | `1.1.0` | major | minor | too-small |",
		"| breaking | `property-removed` | calltransfer.completed | body: property \"room\" removed at /payload/room | `/components/schemas/CalltransferCompletedPayload/properties/room` | `/components/schemas/CalltransferCompletedPayload/properties` | billing |",
		"| billing | **no** | 1 |",
		"| dialer | yes | 0 |",
		"| testdata/events/recorded.ndjson | 1 | `/payload/completeStatus` |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	// Breaking findings come first.
	if strings.Index(md, "| breaking |") > strings.Index(md, "| non-breaking |") {
		t.Error("breaking findings should be listed first")
	}
}

func TestJUnitReport(t *testing.T) {
	rep := brokenReport(t)
	var b bytes.Buffer
	if err := rep.Write(&b, "junit"); err != nil {
		t.Fatal(err)
	}
	var suite struct {
		XMLName  xml.Name `xml:"testsuite"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Cases    []struct {
			ClassName string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Failure   *struct {
				Type    string `xml:"type,attr"`
				Message string `xml:"message,attr"`
			} `xml:"failure"`
		} `xml:"testcase"`
	}
	if err := xml.Unmarshal(b.Bytes(), &suite); err != nil {
		t.Fatalf("junit does not parse: %v\n%s", err, b.String())
	}
	want := len(rep.Checks) + len(rep.Findings) + len(rep.Consumers) + len(rep.Replay.Failures)
	if suite.Tests != want || len(suite.Cases) != want {
		t.Errorf("tests=%d cases=%d, want %d", suite.Tests, len(suite.Cases), want)
	}
	var failed []string
	for _, c := range suite.Cases {
		if c.Failure != nil {
			failed = append(failed, c.ClassName+"/"+c.Failure.Type)
		}
	}
	wantFailed := "version/too-small version/too-small finding.calltransfer.completed/property-removed consumer/consumer-broken"
	if strings.Join(failed, " ") != wantFailed || suite.Failures != 4 {
		t.Errorf("failures %d: %v, want %s", suite.Failures, failed, wantFailed)
	}
}

func TestGitSource(t *testing.T) {
	ctx := context.Background()
	s, err := gate.Load(ctx, "git:HEAD:spec/daily/calltransfer.yaml")
	if err != nil {
		t.Skipf("no git checkout here: %v", err)
	}
	if s.Version != "1.0.0" || s.Source != "git:HEAD:spec/daily/calltransfer.yaml" {
		t.Errorf("loaded %s %s", s.Source, s.Version)
	}
	if _, err := gate.Load(ctx, "git:no-such-ref-xyz:spec/daily/calltransfer.yaml"); err == nil || !strings.Contains(err.Error(), "git show no-such-ref-xyz:") {
		t.Errorf("bad ref: %v", err)
	}
	if _, err := gate.Load(ctx, "git:HEAD"); err == nil || !strings.Contains(err.Error(), "want git:REF:PATH") {
		t.Errorf("malformed: %v", err)
	}
}
