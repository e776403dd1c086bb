package mockserver

import (
	"context"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/scenario"
)

// paced reports whether each event should have been sent before the
// next one. When the player skips real waits, nothing else separates the
// events. A virtual clock needs no pacing: it moves on only once the first
// attempts it waits for are done.
func (p *Provider) paced(opts RunOptions) bool {
	_, virtual := p.clock.(*clock.Virtual)
	return !virtual && opts.Speed.Instant
}

// providerEmitter triggers a scenario's events into the delivery engine.
type providerEmitter struct {
	p      *Provider
	faults []Fault
	paced  bool
}

func (e *providerEmitter) Emit(ctx context.Context, em scenario.Emission) (scenario.Emitted, error) {
	faults := append(append([]Fault(nil), e.faults...), em.Faults...)
	t, err := e.p.Trigger(ctx, em.Event, WithSeed(em.Seed), WithOverrides(em.Set...), WithCall(em.Call), WithFaults(faults...))
	if err != nil {
		return scenario.Emitted{}, err
	}
	if e.paced && !holdsBack(faults) {
		e.p.awaitFirstAttempts(ctx, t.ID, t.Deliveries)
	}
	return scenario.Emitted{ID: t.ID, Body: t.Event, Detail: EmitDetail{Deliveries: t.Deliveries, Faults: t.Faults}}, nil
}

// EmitDetail is what the provider did with one scenario event: the
// deliveries it queued and the faults it injected.
type EmitDetail struct {
	Deliveries []string       `json:"deliveries"`
	Faults     []AppliedFault `json:"faults,omitempty"`
}

// holdsBack reports faults that keep a delivery back on purpose; waiting
// for their first attempt would wait for the fault.
func holdsBack(fs []Fault) bool {
	for _, f := range fs {
		switch f.Kind {
		case FaultDelay, FaultReorder, FaultDropFirst, FaultSlowSend:
			return true
		}
	}
	return false
}

// awaitFirstAttempts waits until each delivery has been attempted once or
// has ended, bounded by the delivery timeout.
func (p *Provider) awaitFirstAttempts(ctx context.Context, eventID string, ids []string) {
	if len(ids) == 0 {
		return
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	deadline := time.NewTimer(p.opts.DeliveryTimeout + time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		pending := 0
		for _, d := range p.engine.List(Filter{EventID: eventID}) {
			if want[d.ID] && len(d.Attempts) == 0 && !d.Status.Terminal() {
				pending++
			}
		}
		if pending == 0 {
			return
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			return
		case <-ctx.Done():
			return
		}
	}
}
