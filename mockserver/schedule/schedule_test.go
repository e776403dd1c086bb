package schedule_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/schedule"
)

var start = time.Date(2026, 3, 1, 12, 0, 7, 0, time.UTC)

// recorder is an Emitter that keeps every firing.
type recorder struct {
	mu   sync.Mutex
	got  []schedule.Firing
	fail error
}

func (r *recorder) Emit(_ context.Context, f schedule.Firing) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, f)
	return r.fail
}

func (r *recorder) firings() []schedule.Firing {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]schedule.Firing(nil), r.got...)
}

// idle waits until the schedule sleeps on a firing still in the future,
// or has ended.
func idle(t *testing.T, run *schedule.Runner, clock *clock.Virtual, id string) schedule.Status {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		st, _ := run.Get(id)
		if st.State != schedule.StateRunning {
			return st
		}
		if st.Next != nil && st.Next.After(clock.Now()) && clock.Waiters() > 0 {
			return st
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("schedule %s did not settle", id)
	return schedule.Status{}
}

func newRun(t *testing.T) (*schedule.Runner, *clock.Virtual) {
	t.Helper()
	before := goleak.IgnoreCurrent()
	clock := clock.NewVirtual(start)
	run := schedule.NewRunner(clock, nil)
	t.Cleanup(func() {
		run.Stop()
		goleak.VerifyNone(t, before)
	})
	return run, clock
}

func TestPoissonRateGivesPoissonCounts(t *testing.T) {
	// 50/s over 60 s: the count is Poisson with mean 3000 and sd √3000 ≈ 55.
	// Each seed must land within ±5 sd (a false alarm once in 1.7 million),
	// and the mean of 20 seeds within ±5 sd of the mean (55/√20 ≈ 12.2).
	const mean, seeds = 3000.0, 20
	sd := math.Sqrt(mean)
	total := 0
	var gaps []float64
	for seed := range uint64(seeds) {
		run, clock := newRun(t)
		rec := &recorder{}
		if _, err := run.Add(schedule.Spec{ID: "r", Rate: 50, Seed: seed}, rec); err != nil {
			t.Fatal(err)
		}
		idle(t, run, clock, "r")
		clock.Advance(60 * time.Second)
		idle(t, run, clock, "r")
		got := rec.firings()
		if math.Abs(float64(len(got))-mean) > 5*sd {
			t.Errorf("seed %d: %d firings in 60 s at 50/s, outside 3000 ± %.0f", seed, len(got), 5*sd)
		}
		total += len(got)
		prev := start
		for i, f := range got {
			if f.N != i+1 || f.At.Before(prev) || f.At.After(start.Add(60*time.Second)) {
				t.Fatalf("seed %d: firing %d is %+v after %s", seed, i, f, prev)
			}
			gaps = append(gaps, f.At.Sub(prev).Seconds())
			prev = f.At
		}
		run.Stop()
	}
	if avg := float64(total) / seeds; math.Abs(avg-mean) > 5*sd/math.Sqrt(seeds) {
		t.Errorf("mean count %.1f over %d seeds, want 3000 ± %.1f", avg, seeds, 5*sd/math.Sqrt(seeds))
	}
	// Exponential gaps: mean 20 ms and a standard deviation equal to it.
	var sum, sq float64
	for _, g := range gaps {
		sum += g
	}
	m := sum / float64(len(gaps))
	for _, g := range gaps {
		sq += (g - m) * (g - m)
	}
	cv := math.Sqrt(sq/float64(len(gaps))) / m
	if math.Abs(m-0.02) > 0.001 || math.Abs(cv-1) > 0.05 {
		t.Errorf("gaps: mean %.4f s (want 0.02), coefficient of variation %.3f (want 1)", m, cv)
	}
}

func TestSameSeedSameFirings(t *testing.T) {
	times := func() []time.Time {
		run, clock := newRun(t)
		rec := &recorder{}
		if _, err := run.Add(schedule.Spec{ID: "x", Rate: 5, Jitter: 300 * time.Millisecond, Seed: 7, Count: 40}, rec); err != nil {
			t.Fatal(err)
		}
		idle(t, run, clock, "x")
		clock.Advance(time.Minute)
		idle(t, run, clock, "x")
		var out []time.Time
		for _, f := range rec.firings() {
			out = append(out, f.At)
		}
		return out
	}
	a, b := times(), times()
	if len(a) != 40 || len(b) != 40 {
		t.Fatalf("count 40 gave %d and %d firings", len(a), len(b))
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			t.Fatalf("firing %d: %s then %s", i, a[i], b[i])
		}
	}
}

func TestIntervalFiresAtExactVirtualTimes(t *testing.T) {
	run, clock := newRun(t)
	rec := &recorder{}
	if _, err := run.Add(schedule.Spec{ID: "i", Every: 10 * time.Second, Count: 3}, rec); err != nil {
		t.Fatal(err)
	}
	for k := 1; k <= 3; k++ {
		st := idle(t, run, clock, "i")
		want := start.Add(time.Duration(k) * 10 * time.Second)
		if st.Next == nil || !st.Next.Equal(want) {
			t.Fatalf("next firing %v, want %s", st.Next, want)
		}
		clock.Set(want.Add(-time.Nanosecond))
		time.Sleep(5 * time.Millisecond)
		if n := len(rec.firings()); n != k-1 {
			t.Fatalf("%d firings a nanosecond before %s", n, want)
		}
		clock.Set(want)
		st = idle(t, run, clock, "i")
		got := rec.firings()
		if len(got) != k || !got[k-1].At.Equal(want) || got[k-1].N != k {
			t.Fatalf("after %s: %+v", want, got)
		}
	}
	st, _ := run.Get("i")
	if st.State != schedule.StateDone || st.Next != nil || st.Fired != 3 || !st.Last.Equal(start.Add(30*time.Second)) {
		t.Errorf("after its count: %+v", st)
	}
}

func TestCronFiresAtExactVirtualTimes(t *testing.T) {
	run, clock := newRun(t)
	rec := &recorder{}
	// Seconds field first: every 15 s, from 12:00:07.
	if _, err := run.Add(schedule.Spec{ID: "c", Cron: "*/15 * * * * *"}, rec); err != nil {
		t.Fatal(err)
	}
	want := []string{"12:00:15", "12:00:30", "12:00:45", "12:01:00", "12:01:15"}
	for range want {
		idle(t, run, clock, "c")
		clock.Advance(5 * time.Second)
		idle(t, run, clock, "c")
		clock.Advance(10 * time.Second)
	}
	idle(t, run, clock, "c")
	var got []string
	for _, f := range rec.firings() {
		got = append(got, f.At.Format("15:04:05"))
		if f.At.Nanosecond() != 0 {
			t.Errorf("cron fired off the second: %s", f.At)
		}
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("cron */15 s fired at %v, want %v", got, want)
	}
	st, _ := run.Get("c")
	if st.Next == nil || st.Next.Format("15:04:05") != "12:01:30" {
		t.Errorf("next firing %v, want 12:01:30", st.Next)
	}

	// A five-field expression fires on the minute, in UTC.
	rec5 := &recorder{}
	if _, err := run.Add(schedule.Spec{ID: "hourly", Cron: "0 * * * *"}, rec5); err != nil {
		t.Fatal(err)
	}
	if st := idle(t, run, clock, "hourly"); st.Next.Format(time.RFC3339) != "2026-03-01T13:00:00Z" {
		t.Errorf("hourly next %s", st.Next)
	}
}

func TestUntilAndJitter(t *testing.T) {
	run, clock := newRun(t)
	rec := &recorder{}
	_, err := run.Add(schedule.Spec{ID: "u", Every: time.Second, Jitter: 400 * time.Millisecond, Until: start.Add(5500 * time.Millisecond), Seed: 3}, rec)
	if err != nil {
		t.Fatal(err)
	}
	idle(t, run, clock, "u")
	clock.Advance(10 * time.Second)
	st := idle(t, run, clock, "u")
	got := rec.firings()
	if len(got) != 5 || st.State != schedule.StateDone {
		t.Fatalf("every 1s until +5.5s: %d firings, state %s", len(got), st.State)
	}
	distinct := map[time.Duration]bool{}
	for i, f := range got {
		off := f.At.Sub(start.Add(time.Duration(i+1) * time.Second))
		if off < 0 || off >= 400*time.Millisecond {
			t.Errorf("firing %d is %s off its nominal time", i+1, off)
		}
		distinct[off] = true
	}
	if len(distinct) < 4 {
		t.Errorf("jitter offsets %v are not random", distinct)
	}
}

func TestCatchUpIsBounded(t *testing.T) {
	run, clock := newRun(t)
	rec := &recorder{}
	if _, err := run.Add(schedule.Spec{ID: "fast", Rate: 1000}, rec); err != nil {
		t.Fatal(err)
	}
	idle(t, run, clock, "fast")
	clock.Jump(clock.Now().Add(24 * time.Hour))
	st := idle(t, run, clock, "fast")
	if st.Skips != 1 || st.Fired > schedule.MaxCatchUp+1 || !strings.Contains(st.LastSkip, "skipped") {
		t.Errorf("a day at 1000/s: fired %d, skips %d (%s)", st.Fired, st.Skips, st.LastSkip)
	}
}

func TestErrorsAreCountedAndRemoveStops(t *testing.T) {
	run, clock := newRun(t)
	rec := &recorder{fail: errors.New("consumer on fire")}
	if _, err := run.Add(schedule.Spec{Every: time.Second}, rec); err != nil {
		t.Fatal(err)
	}
	idle(t, run, clock, "sch_1")
	clock.Advance(3 * time.Second)
	idle(t, run, clock, "sch_1")
	st, ok := run.Remove("sch_1")
	if !ok || st.State != schedule.StateStopped || st.Fired != 3 || st.Errors != 3 || st.LastError != "consumer on fire" {
		t.Errorf("removed: %+v", st)
	}
	if _, ok := run.Get("sch_1"); ok {
		t.Error("a removed schedule is still listed")
	}
	if clock.Waiters() != 0 {
		t.Errorf("%d clock waiters left behind", clock.Waiters())
	}
}

func TestBadSpecs(t *testing.T) {
	run, _ := newRun(t)
	if _, err := run.Add(schedule.Spec{ID: "a", Every: time.Second}, &recorder{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s    schedule.Spec
		want string
	}{
		{schedule.Spec{ID: "a", Every: time.Second}, `a schedule "a" exists already`},
		{schedule.Spec{Every: time.Second, Rate: 3}, "exactly one of every, cron or rate"},
		{schedule.Spec{}, "exactly one of every, cron or rate"},
		{schedule.Spec{Cron: "every tuesday"}, "is not a cron expression"},
		{schedule.Spec{Every: time.Second, Count: -1}, "cannot be negative"},
	} {
		if _, err := run.Add(c.s, &recorder{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.s, err, c.want)
		}
	}
	for in, want := range map[string]float64{"50/s": 50, "3000/m": 50, "3600/h": 1, "0.5/s": 0.5, "2 / min": 2.0 / 60} {
		if got, err := schedule.ParseRate(in); err != nil || math.Abs(got-want) > 1e-9 {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"50", "50/d", "-1/s", "0/s", "fast/s", "20000/s"} {
		if _, err := schedule.ParseRate(in); err == nil {
			t.Errorf("ParseRate(%q) accepted", in)
		}
	}
	run.Stop()
	if _, err := run.Add(schedule.Spec{Every: time.Second}, &recorder{}); !errors.Is(err, schedule.ErrStopped) {
		t.Errorf("Add after Stop: %v", err)
	}
}
