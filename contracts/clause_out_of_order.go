package contracts

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/spec"
)

// outOfOrderClause plays one call's lifecycle with its events out of
// order, as a provider with concurrent workers and retries may deliver
// them: the last two swapped (for Daily, completed before answered) and,
// for longer lifecycles, all reversed. No event may get a 5xx or go
// unanswered: a consumer may park an early event, not fail on it.
var outOfOrderClause = clause{
	Clause: Clause{
		ID:          ClauseOutOfOrder,
		Description: "never answers 5xx (or nothing) when a lifecycle arrives out of order, e.g. completed before answered",
		Evidence:    "per ordering: each event in the order sent, with status and response body",
	},
	plan: func(s *settings) ([]unit, string) {
		lc := s.lifecycle
		if len(lc) < 2 {
			return nil, "no lifecycle of two or more consumed events (declare clauses.out-of-order.lifecycle)"
		}
		n := len(lc)
		swapped := slices.Clone(lc)
		swapped[n-1], swapped[n-2] = swapped[n-2], swapped[n-1]
		orders := []ordering{{fmt.Sprintf("%s-before-%s", short(lc[n-1]), short(lc[n-2])), swapped}}
		if n > 2 {
			orders = append(orders, ordering{"reversed", reversed(lc)})
		}
		var units []unit
		for _, o := range orders {
			units = append(units, single("", o.name, func(ctx context.Context, x *runner) outcome {
				return x.runOutOfOrder(ctx, o.name, lc, o.order)
			}))
		}
		return units, ""
	},
}

// ordering is one way of sending a lifecycle.
type ordering struct {
	name  string
	order []*spec.Event
}

// runOutOfOrder generates the lifecycle in order, so that timestamps
// increase as they would, then sends it in the given order.
func (x *runner) runOutOfOrder(ctx context.Context, name string, lifecycle, order []*spec.Event) outcome {
	call := generator.NewCall(x.caseSeed(ClauseOutOfOrder, name))
	bodies := map[*spec.Event]delivery{}
	for _, e := range lifecycle {
		body, id, err := x.event(e, call, ClauseOutOfOrder, name, e.Name)
		if err != nil {
			return fail(err.Error())
		}
		bodies[e] = delivery{body: body, id: id}
	}
	var exs []Exchange
	for i, e := range order {
		d := bodies[e]
		d.step = fmt.Sprintf("%d. %s", i+1, eventName(e))
		ex, _ := x.send(ctx, d)
		exs = append(exs, ex)
	}
	o := judge(wantNo5xx, exs...)
	if o.verdict == VerdictPass {
		names := make([]string, len(order))
		for i, e := range order {
			names[i] = short(e)
		}
		o.reason = fmt.Sprintf("sent %s: no 5xx (%s)", strings.Join(names, " → "), statuses(exs))
	}
	return o
}

// short is an event's last dotted segment: "answered" for calltransfer.answered.
func short(e *spec.Event) string {
	n := eventName(e)
	return n[strings.LastIndexByte(n, '.')+1:]
}

func reversed(es []*spec.Event) []*spec.Event {
	out := slices.Clone(es)
	slices.Reverse(out)
	return out
}

func statuses(exs []Exchange) string {
	s := make([]string, len(exs))
	for i, ex := range exs {
		s[i] = fmt.Sprint(ex.Status)
	}
	return strings.Join(s, ", ")
}
