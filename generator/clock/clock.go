// Package clock is where hookmock reads the time: the generator stamps
// events with it and the provider and its schedules wait on it, so that
// one Virtual clock drives event time and delivery time in tests. It is a
// leaf, so that schedules need not import the generator.
package clock

import (
	"context"
	"sort"
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

// Virtual only moves when told to. Waiters (After, Sleep) fire when
// Advance or Set moves the clock past their deadline, in deadline order.
// It is safe for concurrent use.
type Virtual struct {
	mu      sync.Mutex
	now     time.Time
	waiters []*waiter
	changed chan struct{} // closed and replaced whenever the waiter set changes
}

type waiter struct {
	at time.Time
	ch chan time.Time
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
	return c.addLocked(d).ch
}

func (c *Virtual) addLocked(d time.Duration) *waiter {
	w := &waiter{at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		w.ch <- c.now
		return w
	}
	c.waiters = append(c.waiters, w)
	c.notifyLocked()
	return w
}

// Sleep waits until the clock has been advanced by d, or until ctx ends.
// A cancelled sleeper is forgotten, so abandoned waits do not pile up.
func (c *Virtual) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	w := c.addLocked(d)
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

// Advance moves the clock forward by d and fires every waiter now due.
func (c *Virtual) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setLocked(c.now.Add(d))
}

// Set moves the clock to t (backwards too; waiters only fire going forward).
func (c *Virtual) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setLocked(t)
}

func (c *Virtual) setLocked(t time.Time) {
	c.now = t
	sort.SliceStable(c.waiters, func(i, j int) bool { return c.waiters[i].at.Before(c.waiters[j].at) })
	n := 0
	for _, w := range c.waiters {
		if w.at.After(t) {
			break
		}
		w.ch <- t
		n++
	}
	if n > 0 {
		c.waiters = append(c.waiters[:0], c.waiters[n:]...)
		c.notifyLocked()
	}
}

func (c *Virtual) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Waiters returns how many After/Sleep calls are pending.
func (c *Virtual) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
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
