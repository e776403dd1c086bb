package engine

import (
	"time"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/mockserver/wire"
)

// FaultPlan is what happens to the deliveries of one event. A nil plan is
// a clean event.
type FaultPlan struct {
	wire.Plan
	eff wire.Effects
}

// Get is Plan.Get on a plan that may be nil.
func (fp *FaultPlan) Get(k wire.FaultKind) (wire.Fault, bool) {
	if fp == nil {
		return wire.Fault{}, false
	}
	return fp.Plan.Get(k)
}

func (fp *FaultPlan) names() []string {
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
func (fp *FaultPlan) effects() wire.Effects {
	if fp == nil {
		return wire.Effects{}
	}
	return fp.eff
}

// CopyApplied hands each delivery its own slice, so that per-delivery
// notes (how a reorder ended) do not leak into the others.
func (fp *FaultPlan) CopyApplied() []wire.AppliedFault {
	if fp == nil {
		return nil
	}
	return append([]wire.AppliedFault(nil), fp.Applied...)
}

// Complete fills in the details that depend on the event and returns the
// bytes that go on the wire.
func (fp *FaultPlan) Complete(body []byte, iv *generator.Invalidity) []byte {
	if fp == nil {
		return body
	}
	out := fp.Plan.Finish(body)
	if iv != nil {
		fp.Explain(string(iv.Kind), iv.String())
	}
	fp.eff = fp.Effects()
	return out
}

// firstWait is how long the first attempt of copy n (0 the original)
// waits before it is queued.
func (fp *FaultPlan) firstWait(copy int) time.Duration {
	var d time.Duration
	if f, ok := fp.Get(wire.FaultDelay); ok {
		d += f.Gap
	}
	if f, ok := fp.Get(wire.FaultDuplicate); ok {
		d += time.Duration(copy) * f.Gap
	}
	return d
}

// NewFaultPlan is the plan p rolled for one event; nil, a clean event,
// when no fault applies.
func NewFaultPlan(p *wire.Plan) *FaultPlan {
	if len(p.Faults) == 0 {
		return nil
	}
	return &FaultPlan{Plan: *p}
}
