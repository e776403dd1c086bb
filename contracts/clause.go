package contracts

import (
	"context"

	"github.com/hookmock/hookmock/spec"
)

// Clause ids, in the order the verifier runs and reports them.
const (
	ClauseProbe                   = "probe"
	ClauseAcceptsValid            = "accepts-valid"
	ClauseRejectsBadSignature     = "rejects-bad-signature"
	ClauseDuplicateSafe           = "duplicate-safe"
	ClauseToleratesAdditiveChange = "tolerates-additive-change"
	ClauseSchemaViolations        = "schema-violations"
	ClauseOutOfOrder              = "out-of-order"
	ClauseResponseShape           = "response-shape"
)

// Clause describes one promise a consumer keeps, and the evidence the
// verifier collects for it.
type Clause struct {
	ID          string `json:"id"`
	Description string `json:"description"`
	Evidence    string `json:"evidence"`
}

// clause is a Clause with its live plan: the units of work that exercise
// it, or why it does not apply to this contract.
type clause struct {
	Clause
	plan func(s *settings) (units []unit, notApplicable string)
}

// registry lists the clauses in run order.
var registry = []*clause{&probeClause, &acceptsValidClause, &badSignatureClause, &duplicateClause,
	&additiveClause, &schemaViolationsClause, &outOfOrderClause, &responseShapeClause}

// Clauses lists every clause, in run order.
func Clauses() []Clause {
	out := make([]Clause, len(registry))
	for i, c := range registry {
		out[i] = c.Clause
	}
	return out
}

// ClauseIDs lists the clause ids, in run order.
func ClauseIDs() []string {
	out := make([]string, len(registry))
	for i, c := range registry {
		out[i] = c.ID
	}
	return out
}

// caseLabel names one clause-case before it runs.
type caseLabel struct{ event, name string }

// unit is work that must run as one sequence (a duplicate pair, a
// lifecycle), producing one outcome per label. Units run concurrently.
type unit struct {
	clause string
	labels []caseLabel
	run    func(ctx context.Context, x *runner) []outcome
}

// outcome is a case's verdict with its evidence.
type outcome struct {
	verdict  Verdict
	reason   string
	evidence []Exchange
}

// perEvent makes one single-case unit per event; run takes the runner
// first so that methods fit, as in perEvent(es, "duplicate", (*runner).runDuplicate).
func perEvent(events []*spec.Event, name string, run func(x *runner, ctx context.Context, e *spec.Event) outcome) []unit {
	units := make([]unit, 0, len(events))
	for _, e := range events {
		units = append(units, single(eventName(e), name, func(ctx context.Context, x *runner) outcome { return run(x, ctx, e) }))
	}
	return units
}

// single makes a unit of one case.
func single(event, name string, run func(ctx context.Context, x *runner) outcome) unit {
	return unit{labels: []caseLabel{{event, name}}, run: func(ctx context.Context, x *runner) []outcome {
		return []outcome{run(ctx, x)}
	}}
}
