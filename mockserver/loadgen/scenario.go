package loadgen

import (
	"context"
	"time"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/scenario"
	"github.com/hookmock/hookmock/mockserver/wire"
)

// playScenario plays one run of the scenario with its events back to
// back, each sent once the previous one is answered, so that a consumer
// sees every call's events in order while runs overlap. The first event's
// latency counts from the tick; the others from their own start. Steps'
// wire faults apply; their timing faults do not (a load run has no
// delivery engine to delay or duplicate with).
func (l *load) playScenario(ctx context.Context, seed uint64, due time.Time) {
	plan, err := l.cfg.Scenario.Plan(scenario.PlanOptions{Seed: seed})
	if err != nil {
		l.rec.record(time.Since(due), 0, 0, "planning: "+err.Error())
		return
	}
	p := &scenario.Player{Clock: clock.Real{}, Speed: scenario.Speed{Instant: true}, Emitter: &loadEmitter{l: l, since: due}}
	_, _ = p.Play(ctx, plan) // failures are recorded per event
}

// rolled returns the step's faults that apply to this event, rolled as
// the provider rolls them, keyed by the event's seed.
func rolled(em scenario.Emission) []wire.Fault {
	return wire.Roll(em.Faults, em.Seed, 0).Faults
}

type loadEmitter struct {
	l     *load
	since time.Time
}

func (e *loadEmitter) Emit(ctx context.Context, em scenario.Emission) (scenario.Emitted, error) {
	since := e.since
	e.since = time.Now()
	req := generator.Request{Event: em.Event, Seed: em.Seed, Call: em.Call, Set: em.Set}
	res, err := e.l.gen.Generate(req)
	if err != nil {
		e.l.rec.record(time.Since(since), 0, 0, "generating: "+err.Error())
		return scenario.Emitted{}, err
	}
	e.l.sendFaults(ctx, res.ID, res.JSON, since, rolled(em))
	return scenario.Emitted{ID: res.ID, Body: res.JSON}, nil
}
