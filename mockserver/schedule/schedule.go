// Package schedule fires things on a clock: at a fixed interval, on a cron
// expression, or at a Poisson rate, with count and until limits and
// jitter. It runs on a clock.Clock, so that a virtual clock drives it
// in tests, and knows nothing of what it fires: each schedule hands its
// firings to an Emitter.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/generator/seeds"
)

// Spec is when a schedule fires.
type Spec struct {
	// ID names the schedule; empty gets sch_<n>.
	ID string
	// Exactly one of Every, Cron and Rate (firings per second, Poisson).
	Every time.Duration
	Cron  string
	Rate  float64
	// Jitter delays each firing by a random amount in [0, Jitter); the
	// nominal times stay anchored, so jitter does not drift the schedule.
	Jitter time.Duration
	// Count stops the schedule after this many firings (0: no limit).
	Count int
	// Until stops the schedule before the first firing after it (zero: no
	// limit).
	Until time.Time
	// Start anchors the timing (zero: the clock's reading at Add). An
	// interval fires at Start+Every, Start+2·Every, …
	Start time.Time
	// Seed makes rate gaps and jitter reproducible.
	Seed uint64
}

// Firing is one firing of a schedule.
type Firing struct {
	Schedule string
	// N counts firings from 1.
	N int
	// At is when the firing was due; under a virtual clock advanced past
	// it, the emission happens later, at the clock's reading.
	At time.Time
}

// Emitter does what a schedule fires.
type Emitter interface {
	Emit(ctx context.Context, f Firing) error
}

// EmitterFunc adapts a function to Emitter.
type EmitterFunc func(ctx context.Context, f Firing) error

// Emit calls f.
func (f EmitterFunc) Emit(ctx context.Context, x Firing) error { return f(ctx, x) }

// States of a schedule.
const (
	StateRunning = "running"
	StateDone    = "done"    // count or until reached
	StateStopped = "stopped" // removed or shut down
	StatePaused  = "paused"  // firings fall due but are not emitted until resumed
)

// Status is a schedule as GET /_mock/schedules shows it.
type Status struct {
	ID     string     `json:"id"`
	Kind   string     `json:"kind"` // interval, cron or rate
	Every  string     `json:"every,omitempty"`
	Cron   string     `json:"cron,omitempty"`
	Rate   float64    `json:"ratePerSecond,omitempty"`
	Jitter string     `json:"jitter,omitempty"`
	Count  int        `json:"count,omitempty"`
	Until  *time.Time `json:"until,omitempty"`
	Start  time.Time  `json:"start"`
	State  string     `json:"state"`
	// Next is when it fires next (nil once it is done or stopped).
	Next *time.Time `json:"next"`
	Last *time.Time `json:"last,omitempty"`
	// Fired counts firings; Errors those whose emission failed.
	Fired     int    `json:"fired"`
	Errors    int    `json:"errors"`
	LastError string `json:"lastError,omitempty"`
	// Skips counts the times the clock jumped so far ahead that the
	// schedule skipped firings instead of catching up; LastSkip says which.
	Skips    int    `json:"skips,omitempty"`
	LastSkip string `json:"lastSkip,omitempty"`
	// Paused counts the firings that fell due while the schedule was
	// paused; they are passed over, not emitted late, and do not count
	// towards Count.
	Paused int `json:"pausedFirings,omitempty"`
}

// MaxCatchUp is how many overdue firings a schedule emits in a row before
// it skips to the present: a virtual clock moved by a year must not
// queue a billion events.
const MaxCatchUp = 10_000

// Runner runs schedules until Stop.
type Runner struct {
	clock   clock.Clock
	log     *slog.Logger
	ctx     context.Context
	cancel  context.CancelFunc
	mu      sync.Mutex
	entries map[string]*entry
	order   []string
	n       int
	wg      sync.WaitGroup
	stopped bool
}

type entry struct {
	mu     sync.Mutex
	st     Status
	paused bool
	cancel context.CancelFunc
	done   chan struct{}
}

// NewRunner returns a runner on clock; log may be nil.
func NewRunner(clock clock.Clock, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Runner{clock: clock, log: log, ctx: ctx, cancel: cancel, entries: map[string]*entry{}}
}

// ErrStopped is returned by Add after Stop.
var ErrStopped = errors.New("the scheduler has stopped")

// Add starts a schedule.
func (r *Runner) Add(s Spec, em Emitter) (Status, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return Status{}, ErrStopped
	}
	if s.ID == "" {
		for {
			r.n++
			s.ID = "sch_" + strconv.Itoa(r.n)
			if _, taken := r.entries[s.ID]; !taken {
				break
			}
		}
	}
	if _, taken := r.entries[s.ID]; taken {
		return Status{}, fmt.Errorf("id: a schedule %q exists already", s.ID)
	}
	if s.Start.IsZero() {
		s.Start = r.clock.Now()
	}
	if s.Jitter < 0 || s.Count < 0 {
		return Status{}, errors.New("jitter and count cannot be negative")
	}
	rng := rand.New(rand.NewPCG(s.Seed, seeds.Hash(seeds.Raw(s.ID))))
	tm, kind, err := timingFor(s, s.Start, rng)
	if err != nil {
		return Status{}, err
	}
	e := &entry{st: newStatus(s, kind), done: make(chan struct{})}
	ctx, cancel := context.WithCancel(r.ctx)
	e.cancel = cancel
	r.entries[s.ID] = e
	r.order = append(r.order, s.ID)
	// Held until the schedule waits for its first firing, so that an
	// advance right after Add does not pass it.
	busy := clock.Hold(r.clock)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer close(e.done)
		defer cancel()
		r.run(ctx, e, s, tm, rng, em, busy)
	}()
	return e.status(), nil
}

func newStatus(s Spec, kind string) Status {
	st := Status{ID: s.ID, Kind: kind, Cron: s.Cron, Rate: s.Rate, Count: s.Count, Start: s.Start.UTC(), State: StateRunning}
	if s.Every > 0 {
		st.Every = s.Every.String()
	}
	if s.Jitter > 0 {
		st.Jitter = s.Jitter.String()
	}
	if !s.Until.IsZero() {
		u := s.Until.UTC()
		st.Until = &u
	}
	return st
}

// run fires s until it ends. busy is its mark on a virtual clock: each
// firing holds one until the next wait is registered, so that an advance
// fires what the firing queued before it moves on.
func (r *Runner) run(ctx context.Context, e *entry, s Spec, tm timing, rng *rand.Rand, em Emitter, busy func()) {
	defer func() { busy() }()
	overdue := 0
	for n := 1; s.Count == 0 || n <= s.Count; n++ {
		at := tm.next()
		if s.Jitter > 0 {
			at = at.Add(time.Duration(rng.Int64N(int64(s.Jitter))))
		}
		if !s.Until.IsZero() && at.After(s.Until) {
			break
		}
		now := r.clock.Now()
		if at.Before(now) {
			overdue++
		} else {
			overdue = 0
		}
		if overdue > MaxCatchUp {
			tm.skipTo(now)
			overdue = 0
			e.update(func(st *Status) {
				st.Skips++
				st.LastSkip = fmt.Sprintf("the clock jumped from %s to %s; firings in between were skipped", at.UTC().Format(time.RFC3339Nano), now.UTC().Format(time.RFC3339Nano))
			})
			r.log.Warn("schedule fell too far behind; skipping to now", "schedule", s.ID, "due", at, "now", now)
			n--
			continue
		}
		e.update(func(st *Status) { u := at.UTC(); st.Next = &u })
		t := clock.NewTimer(r.clock, at.Sub(now))
		busy()
		select {
		case <-t.C:
			busy = t.Done
		case <-ctx.Done():
			t.Done()
			e.finish(StateStopped)
			return
		}
		if e.skipPaused() {
			n--
			continue
		}
		err := em.Emit(ctx, Firing{Schedule: s.ID, N: n, At: at})
		// An emission cut short by shutdown is not the schedule's error.
		cut := err != nil && ctx.Err() != nil
		if !cut {
			e.update(func(st *Status) {
				u := at.UTC()
				st.Last = &u
				st.Fired++
				if err != nil {
					st.Errors++
					st.LastError = err.Error()
				}
			})
		}
		if err != nil && !cut {
			r.log.Warn("schedule firing failed", "schedule", s.ID, "n", n, "error", err)
		}
		if ctx.Err() != nil {
			e.finish(StateStopped)
			return
		}
	}
	e.finish(StateDone)
}

// skipPaused counts a firing that fell due while paused, and reports
// whether the schedule is paused.
func (e *entry) skipPaused() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.paused {
		e.st.Paused++
	}
	return e.paused
}

// SetPaused pauses or resumes a running schedule: while paused its
// firings keep their times but are not emitted. It returns the status, and
// false for an unknown id; a schedule that has ended stays as it was.
func (r *Runner) SetPaused(id string, paused bool) (Status, bool) {
	r.mu.Lock()
	e, ok := r.entries[id]
	r.mu.Unlock()
	if !ok {
		return Status{}, false
	}
	e.mu.Lock()
	if e.st.State == StateRunning || e.st.State == StatePaused {
		e.paused = paused
		e.st.State = StateRunning
		if paused {
			e.st.State = StatePaused
		}
	}
	e.mu.Unlock()
	return e.status(), true
}

func (e *entry) update(f func(*Status)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f(&e.st)
}

func (e *entry) finish(state string) {
	e.update(func(st *Status) { st.State, st.Next = state, nil })
}

func (e *entry) status() Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	if st.Next != nil {
		n := *st.Next
		st.Next = &n
	}
	return st
}

// Get returns one schedule's status.
func (r *Runner) Get(id string) (Status, bool) {
	r.mu.Lock()
	e, ok := r.entries[id]
	r.mu.Unlock()
	if !ok {
		return Status{}, false
	}
	return e.status(), true
}

// List returns every schedule, in the order they were added.
func (r *Runner) List() []Status {
	r.mu.Lock()
	es := make([]*entry, 0, len(r.order))
	for _, id := range r.order {
		es = append(es, r.entries[id])
	}
	r.mu.Unlock()
	out := make([]Status, len(es))
	for i, e := range es {
		out[i] = e.status()
	}
	return out
}

// Remove stops a schedule, waits for its firing in progress, and forgets
// it; it returns the final status.
func (r *Runner) Remove(id string) (Status, bool) {
	r.mu.Lock()
	e, ok := r.entries[id]
	if ok {
		delete(r.entries, id)
		kept := r.order[:0]
		for _, x := range r.order {
			if x != id {
				kept = append(kept, x)
			}
		}
		r.order = kept
	}
	r.mu.Unlock()
	if !ok {
		return Status{}, false
	}
	e.cancel()
	<-e.done
	return e.status(), true
}

// Stop stops every schedule and waits for their goroutines.
func (r *Runner) Stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.cancel()
	r.wg.Wait()
}
