package scenario_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/mockserver/scenario"
)

// A valid scenario, which each case below breaks in one place.
const base = `name: broken
description: a scenario to break
vars:
  flag: false
steps:
  - event: calltransfer.triggered
    set:
      payload.room: sales
  - event: calltransfer.initiated
    after: 100ms..300ms
  - branch:
      - probability: 0.5
        steps:
          - event: calltransfer.answered
            after: 2s
`

func TestBaseScenarioIsValid(t *testing.T) {
	if _, err := scenario.Parse("ok.yaml", []byte(base), scenario.Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestBrokenFilesNameFileLineAndColumn(t *testing.T) {
	cases := []struct {
		name, old, new string
		want           string // file:line:col: and a part of the message
	}{
		{"unknown event", "event: calltransfer.initiated", "event: calltransfer.initiatd",
			`s.yaml:9:12: steps[1].event: unknown event "calltransfer.initiatd"; did you mean "calltransfer.initiated"?`},
		{"bad duration", "after: 100ms..300ms", "after: 100 ms",
			`s.yaml:10:12: steps[1].after: "100 ms" is not a duration`},
		{"range backwards", "after: 100ms..300ms", "after: 300ms..100ms",
			`s.yaml:10:12: steps[1].after: "300ms..100ms": the range ends before it starts`},
		{"unknown step field", "    after: 100ms..300ms", "    aftr: 100ms..300ms",
			`s.yaml:10:5: steps[1]: unknown key "aftr" (did you mean "after"?); valid keys: event, after,`},
		{"unknown top-level field", "vars:", "varz:",
			`s.yaml:3:1: scenario: unknown key "varz" (did you mean "vars"?)`},
		{"undeclared override field", "payload.room: sales", "payload.romm: sales",
			`s.yaml:8:7: steps[0].set: "romm" is not a field of payload in calltransfer.triggered; did you mean "room"?`},
		{"override value of the wrong type", "payload.room: sales", "payload.is_sip_refer: yes-please",
			`s.yaml:8:29: steps[0].set.payload.is_sip_refer: value "yes-please" breaks the contract`},
		{"unknown template variable", "payload.room: sales", "payload.room: ${rooom}",
			`s.yaml:8:21: steps[0].set.payload.room: unknown variable ${rooom}`},
		{"probability above 1", "probability: 0.5", "probability: 1.5",
			`s.yaml:12:22: steps[2].branch[0].probability: want a number from 0 to 1, got "1.5"`},
		{"probability not a number", "probability: 0.5", "probability: half",
			`s.yaml:12:22: steps[2].branch[0].probability: want a number from 0 to 1, got "half"`},
		{"when on an undeclared variable", "    after: 100ms..300ms", "    after: 100ms..300ms\n    when: flg",
			`s.yaml:11:11: steps[1].when: "flg" is not declared under vars`},
		{"repeat not a count", "    after: 100ms..300ms", "    after: 100ms..300ms\n    repeat: 0",
			`s.yaml:11:13: steps[1].repeat: want a whole number of at least 1, got "0"`},
		{"event and branch together", "  - branch:", "  - event: calltransfer.completed\n    branch:",
			`s.yaml:11:5: steps[2]: want exactly one of event and branch`},
		{"missing description", "description: a scenario to break\n", "",
			`s.yaml:1:1: scenario: description is required`},
		{"YAML syntax", "  - event: calltransfer.triggered", "  - event: [calltransfer.triggered",
			`s.yaml:7:8: YAML: did not find expected ',' or ']'`},
		// The parser stops at the key indented one column short; yaml.v3
		// used to blame the line before it.
		{"YAML indentation", "    after: 100ms..300ms", "   after: 100ms..300ms",
			`s.yaml:10:4: YAML: did not find expected '-' indicator`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := strings.Replace(base, c.old, c.new, 1)
			if doc == base {
				t.Fatalf("%q not found in the base scenario", c.old)
			}
			_, err := scenario.Parse("s.yaml", []byte(doc), scenario.Options{})
			if err == nil {
				t.Fatalf("accepted:\n%s", doc)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got  %v\nwant %s", err, c.want)
			}
			if es := scenario.AsErrors(err); len(es) == 0 || es[0].Pos.File != "s.yaml" || es[0].Pos.Line == 0 {
				t.Fatalf("no position in %#v", err)
			}
		})
	}
}

func TestEveryErrorOfAFileIsReported(t *testing.T) {
	doc := strings.NewReplacer("calltransfer.initiated", "calltransfer.nope", "100ms..300ms", "soon", "0.5", "2").Replace(base)
	_, err := scenario.Parse("s.yaml", []byte(doc), scenario.Options{})
	if es := scenario.AsErrors(err); len(es) != 3 {
		t.Fatalf("want 3 errors, got %v", err)
	}
}

func TestProbabilitiesMayNotAddUpToMoreThanOne(t *testing.T) {
	doc := strings.Replace(base, `      - probability: 0.5
        steps:
          - event: calltransfer.answered
            after: 2s
`, `      - probability: 0.5
        steps:
          - event: calltransfer.answered
      - probability: 0.6
        steps:
          - event: calltransfer.completed
`, 1)
	_, err := scenario.Parse("s.yaml", []byte(doc), scenario.Options{})
	if err == nil || !strings.Contains(err.Error(), "s.yaml:15:22: steps[2].branch[1].probability: the probabilities of this branch add up to 1.1, more than 1") {
		t.Fatalf("got %v", err)
	}
}

func TestFaultNamesAreChecked(t *testing.T) {
	doc := strings.Replace(base, "    after: 100ms..300ms", "    after: 100ms..300ms\n    faults: [dup, wobble]", 1)
	_, err := scenario.Parse("s.yaml", []byte(doc), scenario.Options{})
	if err == nil || !strings.Contains(err.Error(), `s.yaml:11:19: steps[1].faults: unknown fault "wobble"`) {
		t.Fatalf("got %v", err)
	}
}

func TestLoadFileNamesThePath(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(p, []byte(strings.Replace(base, "2s", "two seconds", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := scenario.LoadFile(p, scenario.Options{})
	if err == nil || !strings.HasPrefix(err.Error(), p+":15:20: ") {
		t.Fatalf("got %v", err)
	}
	if _, err := scenario.Resolve("no-such-scenario", scenario.Options{}); err == nil || !strings.Contains(err.Error(), "neither a built-in") {
		t.Fatalf("got %v", err)
	}
}

// Branches are taken with their probabilities, repeats repeat, and a new
// call starts new sessions in the same room.
func TestBranchesRepeatsAndNewCalls(t *testing.T) {
	sc, err := scenario.Parse("b.yaml", []byte(`
name: b
description: branches
repeat: 2
steps:
  - event: calltransfer.triggered
    repeat: 2
  - branch:
      - probability: 0.25
        steps:
          - event: calltransfer.answered
      - probability: 0.5
        steps:
          - event: calltransfer.completed
  - event: calltransfer.initiated
    call: new
    set:
      payload.to_endpoint: "${fromEndpoint}"
`), scenario.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const runs = 2000
	count := map[string]int{}
	for seed := range uint64(runs) {
		plan, err := sc.Plan(scenario.PlanOptions{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if plan.Calls() != 4 {
			t.Fatalf("%d calls, want 4 (two iterations, each with a new call)", plan.Calls())
		}
		if plan.Call(0).Room != plan.Call(3).Room || plan.Call(0).SessionID == plan.Call(1).SessionID {
			t.Fatal("a new call must keep the room and change the session")
		}
		for _, st := range plan.Steps {
			count[st.Event]++
		}
	}
	if count["calltransfer.triggered"] != 4*runs || count["calltransfer.initiated"] != 2*runs {
		t.Fatalf("counts %v", count)
	}
	// Two branch points per run; binomial, 4000 trials: 5 sigma bands.
	for ev, p := range map[string]float64{"calltransfer.answered": 0.25, "calltransfer.completed": 0.5} {
		n := 2.0 * runs
		sigma := math.Sqrt(n * p * (1 - p))
		if got := float64(count[ev]); math.Abs(got-n*p) > 5*sigma {
			t.Errorf("%s taken %v times, expected %v ± %.0f", ev, got, n*p, 5*sigma)
		}
	}
	run := play(t, sc, scenario.PlanOptions{Seed: 3})
	last := decode(t, run.Events[len(run.Events)-1].Body)["payload"].(map[string]any)
	if last["to_endpoint"] != last["from_endpoint"] {
		t.Fatalf("the template was not filled in: %v", last)
	}
}

// The 124-byte scenario that used to kill the server with a stack overflow,
// and a billion-laughs scenario, are load errors naming the place.
func TestHostileYAMLIsALoadError(t *testing.T) {
	laughs := "name: x\ndescription: d\nl0: &l0 [lol]\n"
	for i := 1; i < 10; i++ {
		laughs += fmt.Sprintf("l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	for name, c := range map[string]struct{ doc, want string }{
		"alias cycle": {"name: x\ndescription: d\nsteps:\n  - event: calltransfer.triggered\n    set: &m {payload.room: *m}\n",
			"s.yaml:5:28: YAML: alias *m is inside the node its anchor &m names"},
		"billion laughs": {laughs, "yaml.maxAliasExpansion"},
		"too big":        {"name: x\n" + strings.Repeat("#", scenario.MaxScenarioBytes), "scenario.maxBytes"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := scenario.Parse("s.yaml", []byte(c.doc), scenario.Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			if es := scenario.AsErrors(err); len(es) != 1 || es[0].Pos.File != "s.yaml" {
				t.Fatalf("not one positioned error: %#v", err)
			}
		})
	}
}

// Faults are parsed where the file is read; the run record writes them
// back in their canonical syntax, and reads them again.
func TestStepFaultsAreTyped(t *testing.T) {
	doc := strings.Replace(base, "    after: 100ms..300ms", "    after: 100ms..300ms\n    faults: [dup:2, stale:2h@0.5]", 1)
	sc, err := scenario.Parse("s.yaml", []byte(doc), scenario.Options{})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := sc.Plan(scenario.PlanOptions{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	fs := plan.Steps[1].Faults
	if len(fs) != 2 || fs[0].Kind != "duplicate" || fs[0].Count != 2 || fs[1].Kind != "stale-timestamp" || fs[1].Probability != 0.5 {
		t.Fatalf("faults %+v", fs)
	}
	raw, err := json.Marshal(plan.Steps[1])
	if err != nil || !strings.Contains(string(raw), `"faults":["duplicate:2","stale-timestamp:2h0m0s@0.5"]`) {
		t.Fatalf("record %s (%v)", raw, err)
	}
	var back scenario.Planned
	if err := json.Unmarshal(raw, &back); err != nil || len(back.Faults) != 2 || back.Faults[1] != fs[1] {
		t.Fatalf("read back %+v (%v)", back.Faults, err)
	}
}
