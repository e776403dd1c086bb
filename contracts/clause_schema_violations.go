package contracts

import (
	"context"
	"errors"
	"fmt"

	"github.com/hookmock/hookmock/generator"
)

// schemaViolationsClause sends correctly signed events that break the
// contract, one per kind of violation, and checks the consumer's declared
// choice: reject them with a 4xx, or accept them with a success (parking
// what it cannot use). With Daily, every non-200 counts towards the
// circuit breaker, so accepting is a legitimate choice; crashing (5xx) or
// hanging never is.
var schemaViolationsClause = clause{
	Clause: Clause{
		ID:          ClauseSchemaViolations,
		Description: "answers schema-violating (signed) events as the contract declares: 4xx for reject, success for accept, either (the default) for either; never 5xx",
		Evidence:    "per event and kind: the violation made (JSON pointer, validator message), status, response body",
	},
	plan: func(s *settings) ([]unit, string) {
		want := s.violationWant(false)
		var units []unit
		for _, e := range s.events {
			for _, k := range s.kinds {
				units = append(units, single(eventName(e), string(k), func(ctx context.Context, x *runner) outcome {
					res, err := x.gen.Generate(generator.Request{Def: e, Seed: x.caseSeed(ClauseSchemaViolations, e.Name, string(k)), Invalid: k})
					if errors.Is(err, generator.ErrNoLocation) {
						return skip(fmt.Sprintf("the event's schema has no place for a %s violation", k))
					}
					if err != nil {
						return fail("cannot generate the event: " + err.Error())
					}
					ex, _ := x.send(ctx, delivery{step: res.Invalid.String(), body: res.JSON})
					return judge(want, ex)
				}))
			}
		}
		return units, ""
	},
}

// violationWant is what a schema-violating event must get. Its text says
// where the choice came from, so that a report never cites a contract
// that was not given; brief leaves that out for the offline tally, whose
// reasons repeat it per attempt.
func (s *settings) violationWant(brief bool) expectation {
	var want expectation
	switch s.expect {
	case Accept:
		want = s.wantSuccess(false)
	case Reject:
		want = want4xx
	default:
		success := s.wantSuccess(false)
		want = expectation{"4xx or " + success.text, func(ex Exchange) bool { return want4xx.ok(ex) || success.ok(ex) }}
	}
	if brief {
		return want
	}
	if s.c.Clauses.SchemaViolations.Expect == "" {
		want.text += " (no choice declared: either)"
	} else {
		want.text += fmt.Sprintf(" (declared: %s)", s.expect)
	}
	return want
}
