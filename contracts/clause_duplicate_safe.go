package contracts

import (
	"context"
	"fmt"

	"github.com/hookmock/hookmock/spec"
)

// duplicateClause sends each event twice, the same bytes with the same
// id, as a provider that retries after a lost answer does. Both copies
// must succeed; with an idempotency probe, the event must have been
// processed exactly once.
var duplicateClause = clause{
	Clause: Clause{
		ID:          ClauseDuplicateSafe,
		Description: "answers success to a duplicate delivery (same id); with an idempotency probe, the event was processed exactly once",
		Evidence:    "both copies' statuses and bodies; the idempotency probe's answer (processed count for the id)",
	},
	plan: func(s *settings) ([]unit, string) {
		return perEvent(s.events, "duplicate", (*runner).runDuplicate), ""
	},
}

func (x *runner) runDuplicate(ctx context.Context, e *spec.Event) outcome {
	body, id, err := x.event(e, nil, ClauseDuplicateSafe, e.Name)
	if err != nil {
		return fail(err.Error())
	}
	first, _ := x.send(ctx, delivery{step: "copy 1 of 2", body: body, id: id})
	second, _ := x.send(ctx, delivery{step: "copy 2 of 2 (same bytes, same id)", body: body, id: id})
	o := judge(x.s.wantSuccess(false), first, second)
	p := x.s.c.Clauses.DuplicateSafe.IdempotencyProbe
	if o.verdict == VerdictFail || p == nil {
		return o
	}
	n, ex, err := x.processedCount(ctx, p, first.EventID)
	o.evidence = append(o.evidence, ex)
	switch {
	case err != nil:
		return fail(fmt.Sprintf("both copies answered, but the idempotency probe failed: %v", err), o.evidence...)
	case n != 1:
		return fail(fmt.Sprintf("both copies answered %d, but the consumer processed id %q %d times (want exactly 1)", first.Status, first.EventID, n), o.evidence...)
	}
	o.reason += fmt.Sprintf("; processed once (idempotency probe: %d)", n)
	return o
}
