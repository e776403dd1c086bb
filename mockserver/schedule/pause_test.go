package schedule_test

import (
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver/schedule"
)

// A paused schedule keeps its times: what falls due while paused is
// counted and passed over, not emitted late, and does not use up Count.
func TestPauseSkipsFiringsAndResumeGoesOn(t *testing.T) {
	run, clock := newRun(t)
	rec := &recorder{}
	if _, err := run.Add(schedule.Spec{ID: "p", Every: 10 * time.Second, Count: 3}, rec); err != nil {
		t.Fatal(err)
	}
	idle(t, run, clock, "p")
	clock.Advance(10 * time.Second) // fires #1 at +10s
	idle(t, run, clock, "p")
	if st, ok := run.SetPaused("p", true); !ok || st.State != schedule.StatePaused {
		t.Fatalf("pause: %+v %v", st, ok)
	}
	clock.Advance(20 * time.Second) // +20s and +30s fall due while paused
	st, _ := run.Get("p")
	if n := len(rec.firings()); n != 1 || st.Paused != 2 || st.Fired != 1 || st.State != schedule.StatePaused {
		t.Fatalf("while paused: %d emitted, status %+v", n, st)
	}
	if st, ok := run.SetPaused("p", false); !ok || st.State != schedule.StateRunning {
		t.Fatalf("resume: %+v %v", st, ok)
	}
	clock.Advance(20 * time.Second) // +40s and +50s: #2 and #3, then done
	got := rec.firings()
	if len(got) != 3 || !got[1].At.Equal(start.Add(40*time.Second)) || got[2].N != 3 {
		t.Fatalf("after resume: %+v", got)
	}
	st, _ = run.Get("p")
	if st.State != schedule.StateDone || st.Fired != 3 || st.Paused != 2 {
		t.Errorf("at the end: %+v", st)
	}
	if _, ok := run.SetPaused("nope", true); ok {
		t.Error("pausing an unknown schedule succeeded")
	}
	if st, _ := run.SetPaused("p", true); st.State != schedule.StateDone {
		t.Errorf("pausing a finished schedule changed it: %+v", st)
	}
}
