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
		Description: "answers schema-violating (signed) events as the contract declares: 4xx for reject, success for accept",
		Evidence:    "per event and kind: the violation made (JSON pointer, validator message), status, response body",
	},
	plan: func(s *settings) ([]unit, string) {
		want := want4xx
		if s.expect == Accept {
			want = s.wantSuccess(false)
		}
		var units []unit
		for _, e := range s.events {
			for _, k := range s.kinds {
				units = append(units, single(eventName(e), string(k), func(ctx context.Context, x *runner) outcome {
					res, err := x.gen.Generate(generator.Request{Event: e.Name, Seed: x.caseSeed(ClauseSchemaViolations, e.Name, string(k)), Invalid: k})
					if errors.Is(err, generator.ErrNoLocation) {
						return skip(fmt.Sprintf("the event's schema has no place for a %s violation", k))
					}
					if err != nil {
						return fail("cannot generate the event: " + err.Error())
					}
					ex, _ := x.send(ctx, delivery{step: res.Invalid.String(), body: res.JSON})
					o := judge(want, ex)
					o.reason = fmt.Sprintf("contract says %s: %s", s.expect, o.reason)
					return o
				}))
			}
		}
		return units, ""
	},
}
