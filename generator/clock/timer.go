package clock

import (
	"sync"
	"time"
)

// A party that waits on a clock and then works (a retry timer, a
// schedule, a scenario step) tells a Virtual when it is done, so that
// an Advance moves on only once the work a firing started has finished or
// is waiting on the clock again. On a real clock these are plain timers
// and the marks cost nothing.

// Timer is a wait registered on a clock when it is made.
type Timer struct {
	// C receives the clock's time when the timer fires.
	C    <-chan time.Time
	done func()
}

// NewTimer registers a wait of d on c at once. Under a Virtual the
// party it wakes counts as busy until it calls Done, so the caller calls
// Done once what it does on waking has finished or been handed on (to a
// Hold, or a next Timer made before this one's Done).
func NewTimer(c Clock, d time.Duration) *Timer {
	if vc, ok := c.(*Virtual); ok {
		vc.mu.Lock()
		w := vc.addLocked(d, true)
		vc.mu.Unlock()
		return &Timer{C: w.ch, done: sync.OnceFunc(func() { vc.done(w) })}
	}
	t := time.NewTimer(d)
	return &Timer{C: t.C, done: func() { t.Stop() }}
}

// Done forgets a pending timer, or releases a fired one's busy mark. It
// may be called more than once.
func (t *Timer) Done() { t.done() }

// Hold marks a party busy on c until the returned func is called (once or
// more), so that an Advance waits for it: work queued but not yet done, a
// goroutine started that has yet to make its first Timer.
func Hold(c Clock) func() {
	vc, ok := c.(*Virtual)
	if !ok {
		return func() {}
	}
	vc.mu.Lock()
	vc.busy++
	vc.notifyLocked()
	vc.mu.Unlock()
	return sync.OnceFunc(func() {
		vc.mu.Lock()
		defer vc.mu.Unlock()
		vc.releaseLocked()
	})
}
