package scenario_test

import (
	"strings"
	"testing"

	"github.com/hookmock/hookmock/mockserver/scenario"
)

// A step's participant makes the event about that person of the meeting:
// the same session on every step naming it, a different one per number.
func TestParticipantSteps(t *testing.T) {
	sc, err := scenario.Parse("p.yaml", []byte(`
name: two-people
description: d
steps:
  - event: participant.joined
    participant: 1
  - event: participant.joined
    participant: 2
  - event: participant.left
    participant: 1
  - event: participant.left
`), scenario.Options{})
	if err != nil {
		t.Fatal(err)
	}
	run := play(t, sc, scenario.PlanOptions{Seed: 3})
	var sessions []any
	for _, e := range run.Events {
		sessions = append(sessions, decode(t, e.Body)["payload"].(map[string]any)["session_id"])
	}
	if sessions[0] != sessions[2] || sessions[0] == sessions[1] || sessions[3] == sessions[0] || sessions[3] == sessions[1] {
		t.Fatalf("sessions %v: want 1, 2, 1 again, and the call's own", sessions)
	}
	if run.Events[0].Participant != 1 || run.Events[3].Participant != 0 {
		t.Fatalf("planned participants %d, %d", run.Events[0].Participant, run.Events[3].Participant)
	}
	for _, c := range []struct{ yaml, want string }{
		{"  - event: participant.joined\n    participant: 0\n", "steps[0].participant"},
		{"  - event: participant.joined\n    participant: 51\n", "steps[0].participant: at most 50, got 51"},
		{"  - branch:\n      - probability: 1\n        steps:\n          - event: participant.joined\n    participant: 2\n", "participant belongs on the steps inside a branch"},
	} {
		_, err := scenario.Parse("bad.yaml", []byte("name: bad\ndescription: d\nsteps:\n"+c.yaml), scenario.Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.yaml, err, c.want)
		}
	}
}
