// Package clock is where hookmock reads the time: the generator stamps
// events with it and the provider and its schedules wait on it, so that
// one Virtual clock drives event time and delivery time in tests. It is a
// leaf, so that schedules need not import the generator.
package clock

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Clock is where every generated timestamp comes from. The mock server's
// retry scheduler waits on the same clock, so that tests can drive both
// event time and delivery time from one Virtual clock.
type Clock interface {
	Now() time.Time
	// After fires once d has elapsed on this clock.
	After(d time.Duration) <-chan time.Time
	// Sleep waits for d, or returns ctx's error if ctx ends first.
	Sleep(ctx context.Context, d time.Duration) error
}

// Real reads the wall clock.
type Real struct{}

// Now returns the current time.
func (Real) Now() time.Time { return time.Now() }

// After is time.After.
func (Real) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Sleep waits for d or for ctx to end.
func (Real) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Virtual only moves when told to. An Advance fires, in due order,
// every waiter that falls due inside it, each at its own due time, and
// between two firings waits until every party woken so far is idle again
// (see Hold and NewTimer), so that what a firing schedules inside the
// advance fires inside it too. It is safe for concurrent use.
type Virtual struct {
	mu      sync.Mutex
	now     time.Time
	waiters []*waiter
	busy    int           // parties woken or held that have not yet said they are idle
	changed chan struct{} // closed and replaced whenever the waiters or busy change
	// advancing lets one advance run at a time, so two of them never
	// interleave their firings.
	advancing sync.Mutex
}

type waiter struct {
	at time.Time
	ch chan time.Time
	// held waiters (timers) leave their party busy once fired, until it
	// releases them.
	held, fired, released bool
}

// NewVirtual returns a clock stopped at t.
func NewVirtual(t time.Time) *Virtual {
	return &Virtual{now: t, changed: make(chan struct{})}
}

// Now returns the clock's current reading.
func (c *Virtual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After returns a channel that receives the clock's time once it has been
// advanced by at least d. A non-positive d fires at once.
func (c *Virtual) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.addLocked(d, false).ch
}

func (c *Virtual) addLocked(d time.Duration, held bool) *waiter {
	w := &waiter{at: c.now.Add(d), ch: make(chan time.Time, 1), held: held}
	if d <= 0 {
		c.fireLocked(w, c.now)
		return w
	}
	c.waiters = append(c.waiters, w)
	c.notifyLocked()
	return w
}

func (c *Virtual) fireLocked(w *waiter, t time.Time) {
	w.fired = true
	if w.held {
		c.busy++
		c.notifyLocked()
	}
	w.ch <- t
}

// Sleep waits until the clock has been advanced by d, or until ctx ends.
// A cancelled sleeper is forgotten, so abandoned waits do not pile up.
func (c *Virtual) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	w := c.addLocked(d, false)
	c.mu.Unlock()
	select {
	case <-w.ch:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		c.removeLocked(w)
		c.mu.Unlock()
		return ctx.Err()
	}
}

func (c *Virtual) removeLocked(w *waiter) {
	for i, x := range c.waiters {
		if x == w {
			c.waiters = append(c.waiters[:i], c.waiters[i+1:]...)
			c.notifyLocked()
			return
		}
	}
}

// done ends a timer: a pending one is forgotten, a fired one releases the
// busy mark its firing set.
func (c *Virtual) done(w *waiter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !w.fired {
		c.removeLocked(w)
		return
	}
	if w.held && !w.released {
		w.released = true
		c.releaseLocked()
	}
}

func (c *Virtual) releaseLocked() {
	c.busy--
	c.notifyLocked()
}

// Advance moves the clock forward by d, firing in due order every waiter
// that falls due on the way, each at its own time. It returns once the
// clock reads the target and everything it woke is idle.
func (c *Virtual) Advance(d time.Duration) {
	_ = c.AdvanceTo(context.Background(), c.Now().Add(d))
}

// MaxFirings bounds the waiters one advance fires one by one. Past it
// the advance jumps to its target as Jump does, so that a day's advance
// over a thousand firings a second ends; a schedule then sees the jump and
// catches up within its own bound.
const MaxFirings = 100_000

// AdvanceTo moves the clock forward to t as Advance does, or returns
// ctx's error, leaving the clock at the last due time it reached. A t in
// the past only fires what is due now.
func (c *Virtual) AdvanceTo(ctx context.Context, t time.Time) error {
	c.advancing.Lock()
	defer c.advancing.Unlock()
	for fired := 0; ; fired++ {
		if fired == MaxFirings {
			c.Jump(t)
			return c.WaitIdle(ctx)
		}
		// Whatever runs now (a first attempt, a step just emitted) gets
		// to register its next wait before the clock moves past it.
		if err := c.WaitIdle(ctx); err != nil {
			return err
		}
		c.mu.Lock()
		w := c.nextLocked()
		if w == nil || w.at.After(t) {
			if t.After(c.now) {
				c.now = t
				c.notifyLocked()
			}
			c.mu.Unlock()
			return c.WaitIdle(ctx)
		}
		if w.at.After(c.now) {
			c.now = w.at
		}
		c.removeLocked(w)
		c.fireLocked(w, c.now)
		c.mu.Unlock()
	}
}

// nextLocked returns the waiter due first; among equals, the first
// registered.
func (c *Virtual) nextLocked() *waiter {
	var next *waiter
	for _, w := range c.waiters {
		if next == nil || w.at.Before(next.at) {
			next = w
		}
	}
	return next
}

// NextDue returns the due time of the earliest pending waiter.
func (c *Virtual) NextDue() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w := c.nextLocked(); w != nil {
		return w.at, true
	}
	return time.Time{}, false
}

// Jump moves the clock to t at once and fires every waiter due by then
// with t, in due order but without waiting for the parties it wakes: a
// clock jump, as when a laptop wakes from sleep.
func (c *Virtual) Jump(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
	slices.SortStableFunc(c.waiters, func(a, b *waiter) int { return a.at.Compare(b.at) })
	n := 0
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			break
		}
		c.fireLocked(w, c.now)
		n++
	}
	c.waiters = append(c.waiters[:0], c.waiters[n:]...)
	c.notifyLocked()
}

// Set moves the clock to t: forward as AdvanceTo does, backward at once
// (waiters only fire going forward).
func (c *Virtual) Set(t time.Time) {
	c.mu.Lock()
	back := t.Before(c.now)
	if back {
		c.now = t
		c.notifyLocked()
	}
	c.mu.Unlock()
	if !back {
		_ = c.AdvanceTo(context.Background(), t)
	}
}

func (c *Virtual) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Changed returns a channel closed at the next change of the waiters, of
// what is busy, or of the time.
func (c *Virtual) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changed
}

// Waiters returns how many After/Sleep calls are pending.
func (c *Virtual) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}

// Busy returns how many woken or held parties have not yet said they are
// idle.
func (c *Virtual) Busy() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.busy
}

// WaitIdle waits until no party is busy: each one woken by a timer or
// marked by Hold has released it.
func (c *Virtual) WaitIdle(ctx context.Context) error {
	for {
		c.mu.Lock()
		busy, changed := c.busy, c.changed
		c.mu.Unlock()
		if busy == 0 {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("%d parties still busy on the virtual clock: %w", busy, ctx.Err())
		}
	}
}

// BlockUntil waits until at least n waiters are pending, so a test can be
// sure a scheduler is asleep before it advances the clock.
func (c *Virtual) BlockUntil(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		have, changed := len(c.waiters), c.changed
		c.mu.Unlock()
		if have >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
