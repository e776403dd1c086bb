package mockserver

import (
	"errors"
	"fmt"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/seeds"
	"github.com/hookmock/hookmock/mockserver/engine"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/spec"
)

// planFaults decides which of the requested faults apply to this event.
// Probabilities are rolled from the server seed and the event's own seed
// (or its given bytes), so the same seed gives the same faults no matter
// how concurrently events are triggered.
func (p *Provider) planFaults(req *triggerRequest) (*engine.FaultPlan, error) {
	if len(req.faults) == 0 {
		return nil, nil
	}
	if req.body == nil && req.seed == nil {
		s := p.events.nextSeed()
		req.seed = &s
	}
	if fe := p.opts.Limits.checkFaults(req.faults); fe != nil {
		return nil, badRequest(fe.Field, "%s", fe.Msg)
	}
	return engine.NewFaultPlan(wire.Roll(req.faults, faultKey(p.seed, req), p.opts.Exponential.Delay(1))), nil
}

func faultKey(s uint64, req *triggerRequest) uint64 {
	if req.seed != nil {
		return seeds.Derive(s, seeds.Uint(*req.seed))
	}
	return seeds.Derive(s, seeds.Bytes(req.body))
}

// makeEvent generates the event, as a negative one when the plan asks for
// a schema violation, and returns the bytes to send (after any body fault)
// alongside the clean event.
func (p *Provider) makeEvent(ev *spec.Event, req *triggerRequest, fp *engine.FaultPlan) (event, wire []byte, id string, err error) {
	if _, violate := fp.Get(FaultSchemaViolation); !violate {
		event, id, err = p.events.make(ev, req)
		if err != nil {
			return nil, nil, "", err
		}
		return event, fp.Complete(event, nil), id, nil
	}
	if req.body != nil {
		return nil, nil, "", errors.New("schema-violation needs a generated event; it cannot rewrite a given body")
	}
	for _, k := range fp.Invalid {
		req.invalid = k
		event, id, err = p.events.make(ev, req)
		if err == nil || !errors.Is(err, generator.ErrNoLocation) {
			break
		}
	}
	if err != nil {
		return nil, nil, "", fmt.Errorf("schema-violation: %w", err)
	}
	return event, fp.Complete(event, req.invalidity), id, nil
}
