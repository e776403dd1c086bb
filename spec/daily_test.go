package spec_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hookmock/hookmock/internal/corpus"
	"github.com/hookmock/hookmock/spec"
)

// The Daily catalogue lives outside the repository, in the shared domain
// notes beside it (../shared/domain from the repository root). It is read,
// never copied: the test checks the contract against Daily's examples as
// the catalogue quotes them.

// domainFile finds name in ../shared/domain relative to the repository
// root. Without it the test skips, visibly; under CI it must be there.
func domainFile(t *testing.T, name string) []byte {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	path := filepath.Join(dir, "..", "shared", "domain", name)
	data, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but the Daily catalogue is missing: %v", err)
		}
		announceCatalogue.Do(func() {
			corpus.Announce("hookmock: %s is missing: the Daily catalogue tests are skipped (the shared domain notes belong beside the repository)", path)
		})
		t.Skipf("SKIP: %v (the shared Daily domain notes are not beside the repository)", err)
	}
	return data
}

var announceCatalogue sync.Once

var jsonBlock = regexp.MustCompile("(?s)```json\n(.*?)```")

// jsonExamples returns the documented examples: the catalogue's ```json
// blocks (truncated examples are ```text blocks there, and are skipped).
func jsonExamples(t *testing.T, doc []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range jsonBlock.FindAllSubmatch(doc, -1) {
		var v map[string]any
		if err := json.Unmarshal(m[1], &v); err != nil {
			t.Fatalf("a ```json block of the catalogue is not JSON: %v\n%s", err, m[1])
		}
		out = append(out, v)
	}
	return out
}

func daily120(t *testing.T) *spec.Spec {
	t.Helper()
	s, err := spec.Default()
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != "1.2.0" || s.Source != "embedded:daily/daily.yaml" {
		t.Fatalf("default contract is %s %s, want daily.yaml 1.2.0", s.Source, s.Version)
	}
	return s
}

// Every documented example of the catalogue validates against 1.2.0, and
// the contract carries each one among its own examples.
func TestDailyCatalogueExamplesValidate(t *testing.T) {
	s := daily120(t)
	exs := jsonExamples(t, domainFile(t, "daily-events.md"))
	if len(exs) != 18 {
		t.Fatalf("the catalogue has %d ```json examples, want 18", len(exs))
	}
	// The three calltransfer examples are in the companion note.
	for _, ex := range jsonExamples(t, domainFile(t, "daily-webhooks.md")) {
		if typ, _ := ex["type"].(string); strings.HasPrefix(typ, "calltransfer.") {
			exs = append(exs, ex)
		}
	}
	for i, ex := range exs {
		typ, _ := ex["type"].(string)
		e, ok := s.EventByType(typ)
		if !ok {
			t.Errorf("example %d: type %q is not in the contract", i, typ)
			continue
		}
		if vs := e.ValidateValue(ex); len(vs) > 0 {
			t.Errorf("example %d (%s) does not validate: %v", i, typ, vs)
		}
		inside := slices.ContainsFunc(e.Examples, func(c spec.Example) bool { return equalJSON(c.Value, ex) })
		if !inside {
			t.Errorf("example %d (%s) is not among the contract's examples of the event", i, typ)
		}
	}
}

var catalogueRow = regexp.MustCompile("(?m)^\\| [0-9]+ \\| `([a-z.-]+)` \\| ([a-z-]+) \\|")

// The contract's events, and the management API's eventTypes enum, are
// exactly the catalogue's 33 types.
func TestDailyContractHasEveryCatalogueType(t *testing.T) {
	s := daily120(t)
	var types []string
	for _, m := range catalogueRow.FindAllSubmatch(domainFile(t, "daily-events.md"), -1) {
		types = append(types, string(m[1]))
		if fam := string(m[2]); !strings.HasPrefix(string(m[1]), fam+".") {
			t.Errorf("catalogue row %s: family %s is not its prefix", m[1], fam)
		}
	}
	slices.Sort(types)
	if len(types) != 33 {
		t.Fatalf("catalogue summary table has %d types, want 33", len(types))
	}
	if got := s.EventNames(); !slices.Equal(got, types) {
		t.Errorf("contract events %v\nwant the catalogue's %v", got, types)
	}
	for _, e := range s.Events {
		if e.Type != e.Name {
			t.Errorf("%s: type const %q", e.Name, e.Type)
		}
		want := "1.0.0"
		if e.Name == "transcript.error" || e.Name == "calltransfer.completed" {
			want = "1.1.0"
		}
		if e.Version != want {
			t.Errorf("%s: envelope version %q, want %q", e.Name, e.Version, want)
		}
	}
	enum, ok := s.At("/components/schemas/EventType/enum")
	if !ok {
		t.Fatal("no EventType enum")
	}
	var got []string
	for _, v := range enum.([]any) {
		got = append(got, v.(string))
	}
	if !slices.Equal(got, types) {
		t.Errorf("eventTypes enum %v\nwant %v", got, types)
	}
}

// The conflicts the catalogue lists are each accepted in both forms.
func TestDailyConflictsAcceptBothForms(t *testing.T) {
	s := daily120(t)
	cases := []struct {
		event, body string
	}{
		{"recording.error", `{"version":"1.0.0","type":"recording.error","id":"x","event_ts":1693402871,"payload":{"action":"clourd-recording-err","error_msg":"e","instance_id":"c3df927c-f738-4471-a2b7-066fa7e95a6b","room_name":"r","timestamp":1693402871}}`},
		{"waiting-participant.left", `{"version":"1.0.0","type":"waiting-participant.left","id":"1-w-ptcpt-left-c85f48f3-82ec-4648-b39c-edfce7acf062","event_ts":1719586615.5,"payload":{"room":"knocking","user_name":"bipol","session_id":"c85f48f3-82ec-4648-b39c-edfce7acf062","joined_at":1719586614.027,"will_eject_at":null,"owner":false,"permissions":{"hasPresence":true}}}`},
		{"transcript.error", `{"version":"1.1.0","type":"transcript.error","id":"3431-tra-err-8d5c03f3-cff3-43c7-b112-0f78989f659f","event_ts":1733234947,"payload":{"id":"8d5c03f3-cff3-43c7-b112-0f78989f659f","info":{"instanceId":"a1f2f6b7-b1ac-4202-85e5-d446cb6c3d3f","startTs":1733234933,"endTs":1733234946},"room_id":"9e3c9e1b-bfbe-4753-b908-fd89cecfd4a7","room_name":"my-room"}}`},
		{"transcript.error", `{"version":"1.1.0","type":"transcript.error","id":"3431-tra-err-8d5c03f3-cff3-43c7-b112-0f78989f659f","event_ts":1733234947,"payload":{"id":"8d5c03f3-cff3-43c7-b112-0f78989f659f","info":{"instance_id":"a1f2f6b7-b1ac-4202-85e5-d446cb6c3d3f","start_ts":1733234933,"end_ts":1733234946}}}`},
		{"streaming.started", `{"version":"1.0.0","type":"streaming.started","id":"x","event_ts":1692124183.5,"payload":{"timestamp":"1692124183","instance_id":"c3df927c-f738-4471-a2b7-066fa7e95a6b","domain_id":"96df0296-b344-4abb-8b78-82df35cc58f4"}}`},
		{"participant.joined", `{"version":"1.0.0","type":"participant.joined","id":"x","event_ts":1708972279,"payload":{"room":"test","session_id":"0c0d2dda-f21d-4cf9-ab56-86bf3c407ffa","joined_at":1708972279,"permissions":{"canSend":["video","audio"],"canAdmin":["participants"]}}}`},
		{"streaming.warning", `{"version":"1.0.0","type":"streaming.warning","id":"x","event_ts":1692124183.5,"payload":{"details":{"endpoints":["rtmp://a.example/live"]},"unknown":"kept"}}`},
	}
	for _, c := range cases {
		e, _ := s.Lookup(c.event)
		vs, err := s.Validate(e, []byte(c.body))
		if err != nil || len(vs) > 0 {
			t.Errorf("%s: %v %v\n%s", c.event, err, vs, c.body)
		}
	}
	// And what no form allows is still rejected.
	e, _ := s.Lookup("recording.error")
	bad := `{"version":"1.0.0","type":"recording.error","id":"x","event_ts":1,"payload":{"action":"recording-err","error_msg":"e","instance_id":"c3df927c-f738-4471-a2b7-066fa7e95a6b","room_name":"r","timestamp":"1"}}`
	if vs, _ := s.Validate(e, []byte(bad)); len(vs) == 0 {
		t.Error("an action of neither spelling validated")
	}
}

func equalJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	var x, y any
	_ = json.Unmarshal(ja, &x)
	_ = json.Unmarshal(jb, &y)
	ka, _ := json.Marshal(x)
	kb, _ := json.Marshal(y)
	return string(ka) == string(kb)
}
