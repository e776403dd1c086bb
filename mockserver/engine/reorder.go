package engine

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/wire"
)

// reorderer holds deliveries back until later ones to the same webhook
// have gone out. A hold ends when Window later deliveries have been sent
// (their first attempt answered or failed), so the consumer has seen them
// first; or after the fault's Gap on the provider clock, so that a lone
// event is not held for ever.
type reorderer struct {
	mu   sync.Mutex
	held map[string][]*hold // by webhook uuid
}

type hold struct {
	seq     uint64
	left    int
	passed  int
	release context.CancelFunc
	// busy is the released job's mark on a virtual clock, taken by the
	// delivery whose sending let it go, before that one goes idle.
	busy func()
}

// sent notes that delivery seq went out to hook, and releases the earlier
// holds whose window it completes.
func (r *reorderer) sent(hook string, seq uint64, c clock.Clock) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.held[hook]) == 0 {
		return
	}
	kept := r.held[hook][:0]
	for _, h := range r.held[hook] {
		if h.seq < seq {
			h.passed++
			if h.left--; h.left <= 0 {
				h.busy = clock.Hold(c)
				h.release()
				continue
			}
		}
		kept = append(kept, h)
	}
	r.held[hook] = kept
}

func (r *reorderer) add(hook string, h *hold) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.held == nil {
		r.held = map[string][]*hold{}
	}
	r.held[hook] = append(r.held[hook], h)
}

// forget removes a hold that timed out; it returns how many later
// deliveries went first, and the busy mark of a release by them.
func (r *reorderer) forget(hook string, h *hold) (int, func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	list := r.held[hook]
	for i, x := range list {
		if x == h {
			r.held[hook] = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(r.held[hook]) == 0 {
		delete(r.held, hook)
	}
	return h.passed, h.busy
}

// hold keeps j back as the reorder fault f says, then sends it after wait.
func (e *Engine) hold(j *job, f wire.Fault, wait time.Duration) {
	hctx, release := context.WithCancel(e.ctx)
	h := &hold{seq: j.seq, left: f.Window, release: release}
	e.reorder.add(j.hook, h)
	deadline := e.cfg.Clock.Now().Add(f.Gap)
	next := deadline.UTC()
	e.store.Update(j.id, func(d *wire.Delivery) { d.NextAttemptAt = &next })
	t := clock.NewTimer(e.cfg.Clock, f.Gap)
	j.idle()
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer release()
		timedOut := false
		select {
		case <-t.C:
			timedOut = true
		case <-hctx.Done():
		}
		passed, busy := e.reorder.forget(j.hook, h)
		// Whichever woke the hold, exactly one mark goes on with the job.
		if timedOut {
			j.busy = t.Done
			if busy != nil {
				busy()
			}
		} else {
			t.Done()
			j.busy = busy
		}
		if e.ctx.Err() != nil {
			e.finish(j, wire.StatusInterrupted, "shutdown while held back for reorder")
			return
		}
		note := fmt.Sprintf("; released after %d later delivery(ies) went first", passed)
		if timedOut {
			note = fmt.Sprintf("; released after %s with %d of %d later delivery(ies) gone first", f.Gap, passed, f.Window)
		}
		e.store.Update(j.id, func(d *wire.Delivery) {
			d.NextAttemptAt = nil
			for i := range d.Injected {
				if d.Injected[i].Kind == wire.FaultReorder {
					d.Injected[i].Detail += note
				}
			}
		})
		if wait > 0 {
			e.queueAfter(j, wait, wire.StatusPending, "waiting to be sent (fault injection)")
			return
		}
		e.push(j, "held back for reorder")
	}()
}
