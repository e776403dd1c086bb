package contracts

import (
	"context"
	"sort"
	"strings"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/spec"
)

// Cases of tolerates-additive-change.
const (
	CaseUnknownFields  = "unknown-fields"
	CaseOptionalFields = "optional-fields"
)

// addedField is the name of the fields the verifier adds.
const addedField = "hookmock_added"

// additiveClause sends events as a provider's next minor version may:
// with fields the consumer has never seen, wherever the contract allows
// them (unknown-fields), and with every optional field the contract
// declares (optional-fields). Both must still succeed.
var additiveClause = clause{
	Clause: Clause{
		ID:          ClauseToleratesAdditiveChange,
		Description: "answers success to events with unknown extra fields (where the contract allows them) and with every optional field the contract declares",
		Evidence:    "per event and case: where fields were added, status, response body",
	},
	plan: func(s *settings) ([]unit, string) {
		return append(perEvent(s.events, CaseUnknownFields, (*runner).runUnknownFields),
			perEvent(s.events, CaseOptionalFields, (*runner).runOptionalFields)...), ""
	},
}

func (x *runner) runOptionalFields(ctx context.Context, e *spec.Event) outcome {
	res, err := x.genFull.Generate(generator.Request{Def: e, Seed: x.caseSeed(ClauseToleratesAdditiveChange, e.Name, CaseOptionalFields)})
	if err != nil {
		return fail("cannot generate the event: " + err.Error())
	}
	ex, _ := x.send(ctx, delivery{step: "every optional field present", body: res.JSON, id: res.ID})
	return judge(x.s.wantSuccess(false), ex)
}

func (x *runner) runUnknownFields(ctx context.Context, e *spec.Event) outcome {
	req := generator.Request{Def: e, Seed: x.caseSeed(ClauseToleratesAdditiveChange, e.Name, CaseUnknownFields)}
	res, err := x.gen.Generate(req)
	if err != nil {
		return fail("cannot generate the event: " + err.Error())
	}
	// Add a field at the top and in every object directly under it, each
	// only where the contract allows it: the generator validates the result.
	var kept []string
	for _, o := range unknownFieldOverrides(res.JSON) {
		try := req
		try.Set = append(append([]generator.Override(nil), req.Set...), o)
		if _, err := x.gen.Generate(try); err == nil {
			req.Set = try.Set
			kept = append(kept, o.Pointer)
		}
	}
	if len(kept) == 0 {
		return skip("the contract allows no unknown fields in this event (additionalProperties: false)")
	}
	if res, err = x.gen.Generate(req); err != nil {
		return fail("cannot generate the event: " + err.Error())
	}
	ex, _ := x.send(ctx, delivery{step: "unknown fields at " + strings.Join(kept, ", "), body: res.JSON, id: res.ID})
	return judge(x.s.wantSuccess(false), ex)
}

// unknownFieldOverrides are the candidate additions for an event body.
func unknownFieldOverrides(body []byte) []generator.Override {
	v, err := spec.DecodeJSON(body)
	obj, ok := v.(map[string]any)
	if err != nil || !ok {
		return nil
	}
	// Each is marked Extra: the point is a field the contract does not
	// declare, which the generator refuses as a typo otherwise.
	top, _ := generator.ParseOverride("/" + addedField + `={"note":"added by hookmock verify: consumers must ignore fields they do not know"}`)
	top.Extra = true
	out := []generator.Override{top}
	keys := make([]string, 0, len(obj))
	for k, v := range obj {
		// "=" would end the override's key early.
		if _, isObj := v.(map[string]any); isObj && !strings.Contains(k, "=") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		o, err := generator.ParseOverride(spec.Join("", k, addedField) + "=added by hookmock verify")
		if err == nil {
			o.Extra = true
			out = append(out, o)
		}
	}
	return out
}
