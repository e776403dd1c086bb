package mockserver

import (
	"errors"
	"fmt"
	"time"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/seeds"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/spec"
)

// faultPlan is what happens to the deliveries of one event. A nil plan is
// a clean event.
type faultPlan struct {
	wire.Plan
	eff wire.Effects
}

func (fp *faultPlan) get(k FaultKind) (Fault, bool) {
	if fp == nil {
		return Fault{}, false
	}
	return fp.Get(k)
}

func (fp *faultPlan) names() []string {
	if fp == nil {
		return nil
	}
	out := make([]string, len(fp.Applied))
	for i, a := range fp.Applied {
		out[i] = string(a.Kind)
	}
	return out
}

// effects returns the per-attempt faults; nil plans send cleanly.
func (fp *faultPlan) effects() wire.Effects {
	if fp == nil {
		return wire.Effects{}
	}
	return fp.eff
}

// copyApplied hands each delivery its own slice, so that per-delivery
// notes (how a reorder ended) do not leak into the others.
func (fp *faultPlan) copyApplied() []AppliedFault {
	if fp == nil {
		return nil
	}
	return append([]AppliedFault(nil), fp.Applied...)
}

// planFaults decides which of the requested faults apply to this event.
// Probabilities are rolled from the server seed and the event's own seed
// (or its given bytes), so the same seed gives the same faults no matter
// how concurrently events are triggered.
func (p *Provider) planFaults(req *triggerRequest) (*faultPlan, error) {
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
	fp := &faultPlan{Plan: *wire.Roll(req.faults, faultKey(p.seed, req), p.opts.Exponential.Delay(1))}
	if len(fp.Faults) == 0 {
		return nil, nil
	}
	return fp, nil
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
func (p *Provider) makeEvent(ev *spec.Event, req *triggerRequest, fp *faultPlan) (event, wire []byte, id string, err error) {
	if _, violate := fp.get(FaultSchemaViolation); !violate {
		event, id, err = p.events.make(ev, req)
		if err != nil {
			return nil, nil, "", err
		}
		return event, fp.finish(event, nil), id, nil
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
	return event, fp.finish(event, req.invalidity), id, nil
}

// finish fills in the details that depend on the event and returns the
// bytes that go on the wire.
func (fp *faultPlan) finish(body []byte, iv *generator.Invalidity) []byte {
	if fp == nil {
		return body
	}
	out := fp.Finish(body)
	if iv != nil {
		fp.Explain(string(iv.Kind), iv.String())
	}
	fp.eff = fp.Effects()
	return out
}

// firstWait is how long the first attempt of copy n (0 the original)
// waits before it is queued.
func (fp *faultPlan) firstWait(copy int) time.Duration {
	var d time.Duration
	if f, ok := fp.get(FaultDelay); ok {
		d += f.Gap
	}
	if f, ok := fp.get(FaultDuplicate); ok {
		d += time.Duration(copy) * f.Gap
	}
	return d
}
