package engine

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/wire"
)

// keep renews this process's leases and takes over work no live process
// holds: work a graceful shutdown released, and work whose owner died.
// It runs for durable stores only; an in-memory store has no other owner.
func (e *Engine) keep() {
	defer e.wg.Done()
	l := e.store
	tick := time.NewTicker(l.lease / 3)
	defer tick.Stop()
	// A virtual clock advanced through another replica (or another
	// process on the same store) is followed here.
	var clockTick <-chan time.Time
	if _, ok := e.cfg.Clock.(*clock.Virtual); ok {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		clockTick = t.C
	}
	e.takeOver()
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-clockTick:
			if err := e.cfg.FollowClock(); err != nil && e.ctx.Err() == nil {
				e.cfg.Log.Error("following the shared virtual clock", "err", err)
			}
		case <-tick.C:
			if _, err := l.s.Renew(e.ctx, l.owner, time.Now().Add(l.lease)); err != nil && e.ctx.Err() == nil {
				e.cfg.Log.Error("renewing delivery leases", "store", l.s.Location(), "err", err)
			}
			// Age retention also when no event comes to trigger it.
			if _, err := l.s.Retain(e.ctx, e.cfg.Clock.Now()); err != nil && e.ctx.Err() == nil {
				e.cfg.Log.Error("applying retention", "store", l.s.Location(), "err", err)
			}
			e.takeOver()
		case <-l.s.Wake():
			e.takeOver()
		}
	}
}

// anyDue claims work whatever its due time: this process then waits for
// it on its own clock, as it does for work it enqueued itself.
var anyDue = time.Unix(0, math.MaxInt64)

func (e *Engine) takeOver() {
	l := e.store
	for e.ctx.Err() == nil {
		ws, err := l.s.ClaimWork(e.ctx, store.Claim{Owner: l.owner, Now: anyDue, WallNow: time.Now(), Lease: l.lease, Max: 256})
		if err != nil {
			if e.ctx.Err() == nil {
				e.cfg.Log.Error("claiming pending deliveries", "store", l.s.Location(), "err", err)
			}
			return
		}
		for _, w := range ws {
			if err := e.resume(w); err != nil {
				e.cfg.Log.Error("resuming a delivery", "delivery", w.DeliveryID, "err", err)
			}
		}
		if len(ws) < 256 {
			return
		}
	}
}

// resume carries on with a delivery taken over from the store. An attempt
// that was on the wire when its sender died is recorded as interrupted,
// and the delivery then goes on under its webhook's policy.
func (e *Engine) resume(w store.Work) error {
	l := e.store
	j, err := decodeJob(w)
	if err != nil {
		return err
	}
	d, err := l.adopt(e.ctx, w.DeliveryID)
	if err != nil {
		return err
	}
	if d.Status.Terminal() {
		// Ended, but its work row outlived it: remove the row.
		err := l.s.Finish(e.ctx, l.owner, record(d), nil)
		if errors.Is(err, store.ErrTerminal) {
			err = nil
		}
		l.mu.Lock()
		delete(l.live, d.ID)
		l.mu.Unlock()
		return err
	}
	e.live.add()
	e.cfg.Log.Info("resuming delivery", "delivery", d.ID, "status", d.Status, "attempts", len(d.Attempts), "reclaimed", w.Reclaimed)
	// Sending on the record is how an older hookmock marked the attempt.
	if n := max(w.Sending, d.Sending); n > 0 {
		j.attempt = n
		now := e.cfg.Clock.Now().UTC()
		att := wire.Attempt{N: n, At: now, Outcome: wire.OutcomeInterrupted, Request: wire.SentRequest{Headers: map[string][]string{}},
			Error: "interrupted: the process sending this attempt stopped before it recorded an answer; the consumer may have received it"}
		l.Update(d.ID, func(d *wire.Delivery) { d.Attempts, d.Sending, d.UpdatedAt = append(d.Attempts, att), 0, now })
		hook, ok := e.cfg.Hooks.Get(j.hook)
		switch {
		case !ok:
			e.finish(j, wire.StatusSkipped, "webhook deleted")
		case hook.RetryType != RetryExponential:
			e.finish(j, wire.StatusInterrupted, "interrupted mid-attempt; the circuit-breaker policy tries each message once")
		case n > e.cfg.Exponential.Retries:
			e.finish(j, wire.StatusDropped, fmt.Sprintf("attempt %d interrupted and %d retries exhausted", n, e.cfg.Exponential.Retries))
		default:
			e.queueAfter(j, e.cfg.Exponential.Delay(n), wire.StatusRetrying, "waiting to retry")
		}
		return nil
	}
	if w.Due.After(e.cfg.Clock.Now()) {
		e.wait(j, w.Due, "waiting")
		return nil
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		e.push(j, "waiting to be sent")
	}()
	return nil
}
