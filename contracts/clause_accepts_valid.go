package contracts

import (
	"context"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/spec"
)

// acceptsValidClause sends one valid, correctly signed event of each
// consumed type. Lifecycle events go as one call, in order, sharing their
// ids and endpoints, the way the provider really sends them.
var acceptsValidClause = clause{
	Clause: Clause{
		ID:          ClauseAcceptsValid,
		Description: "answers success (200, or 2xx per contract) to a valid, signed event of each consumed type, within the deadline",
		Evidence:    "per event: status, latency against the deadline, response body",
	},
	plan: func(s *settings) ([]unit, string) {
		labels := make([]caseLabel, len(s.events))
		for i, e := range s.events {
			labels[i] = caseLabel{eventName(e), "valid"}
		}
		return []unit{{labels: labels, run: func(ctx context.Context, x *runner) []outcome {
			call := generator.NewCall(x.caseSeed(ClauseAcceptsValid, "call"))
			outs := make([]outcome, len(s.events))
			for i, e := range s.events {
				outs[i] = x.sendValid(ctx, e, ClauseAcceptsValid, call, x.s.wantSuccess(true))
			}
			return outs
		}}}, ""
	},
}

// sendValid generates a valid event, sends it signed and judges the answer.
func (x *runner) sendValid(ctx context.Context, e *spec.Event, clauseID string, call *generator.Call, want expectation) outcome {
	body, id, err := x.event(e, call, clauseID, e.Name)
	if err != nil {
		return fail(err.Error())
	}
	ex, _ := x.send(ctx, delivery{step: "valid event", body: body, id: id})
	return judge(want, ex)
}
