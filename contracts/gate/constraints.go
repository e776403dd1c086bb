package gate

import (
	"fmt"
	"math/big"
	"reflect"
)

// deltaKind is how a constraint keyword changed the set of valid values.
type deltaKind int

const (
	loosened  deltaKind = iota + 1 // more values are valid
	tightened                      // fewer values are valid
	changed                        // neither: some gained, some lost
)

// delta is one changed constraint keyword.
type delta struct {
	kind           deltaKind
	keyword        string
	oldPtr, newPtr string
	msg            string
}

var (
	upperBounds = []string{"maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum", "maxContains"}
	lowerBounds = []string{"minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum", "minContains"}
	// presenceKeywords only constrain when present; when both sides have
	// them and they differ, the gate cannot tell the direction (except for
	// items and additionalProperties schemas, which it walks).
	presenceKeywords = []string{"pattern", "format", "enum", "const", "items", "prefixItems", "not", "if", "then", "else",
		"contains", "propertyNames", "patternProperties", "dependentSchemas", "dependentRequired",
		"unevaluatedProperties", "unevaluatedItems", "contentSchema"}
)

// constraintDeltas lists the constraint keywords that changed, once per pair.
func constraintDeltas(p *pair) []delta {
	if p.deltas != nil {
		return *p.deltas
	}
	var out []delta
	add := func(k deltaKind, kw, format string, args ...any) {
		out = append(out, delta{k, kw, kwPtr(p.o, kw), kwPtr(p.n, kw), fmt.Sprintf(format, args...)})
	}
	for _, group := range []struct {
		kws   []string
		upper bool
	}{{upperBounds, true}, {lowerBounds, false}} {
		for _, kw := range group.kws {
			o, ook := number(p.o.kw[kw].v)
			n, nok := number(p.n.kw[kw].v)
			switch {
			case !ook && !nok:
			case !nok:
				add(loosened, kw, "%s %s removed", kw, o.RatString())
			case !ook:
				add(tightened, kw, "%s %s added", kw, n.RatString())
			case o.Cmp(n) != 0:
				k := tightened
				if (n.Cmp(o) > 0) == group.upper {
					k = loosened
				}
				add(k, kw, "%s %s → %s", kw, o.RatString(), n.RatString())
			}
		}
	}
	if o, n := p.o.kw["multipleOf"], p.n.kw["multipleOf"]; o.v != nil || n.v != nil {
		or, ook := number(o.v)
		nr, nok := number(n.v)
		switch {
		case !nok:
			add(loosened, "multipleOf", "multipleOf %s removed", or.RatString())
		case !ook:
			add(tightened, "multipleOf", "multipleOf %s added", nr.RatString())
		case or.Cmp(nr) != 0 && nr.Sign() != 0 && or.Sign() != 0:
			switch {
			case new(big.Rat).Quo(nr, or).IsInt():
				add(tightened, "multipleOf", "multipleOf %s → %s", or.RatString(), nr.RatString())
			case new(big.Rat).Quo(or, nr).IsInt():
				add(loosened, "multipleOf", "multipleOf %s → %s", or.RatString(), nr.RatString())
			default:
				add(changed, "multipleOf", "multipleOf %s → %s", or.RatString(), nr.RatString())
			}
		}
	}
	if o, n := p.o.kw["uniqueItems"].v == true, p.n.kw["uniqueItems"].v == true; o != n {
		if o {
			add(loosened, "uniqueItems", "uniqueItems no longer required")
		} else {
			add(tightened, "uniqueItems", "items must now be unique")
		}
	}
	if d, ok := additionalPropertiesDelta(p); ok {
		out = append(out, d)
	}
	for _, kw := range presenceKeywords {
		o, ook := p.o.kw[kw]
		n, nok := p.n.kw[kw]
		switch {
		case !ook && !nok:
		case !nok:
			add(loosened, kw, "%s removed%s", kw, valueNote(kw, o.v))
		case !ook:
			add(tightened, kw, "%s added%s", kw, valueNote(kw, n.v))
		case kw == "items" || kw == "prefixItems" || kw == "enum" || kw == "const":
			// Walked, or judged by the enum and const rules.
		case !equalJSON(o.v, n.v):
			add(changed, kw, "%s changed%s →%s", kw, valueNote(kw, o.v), valueNote(kw, n.v))
		}
	}
	p.deltas = &out
	return out
}

// valueNote quotes short keyword values (patterns, formats) in messages.
func valueNote(kw string, v any) string {
	switch kw {
	case "pattern", "format", "const":
		return fmt.Sprintf(" %q", fmt.Sprint(v))
	}
	return ""
}

// additionalPropertiesDelta judges additionalProperties: absent and true
// admit anything, a schema admits some values, false admits nothing.
func additionalPropertiesDelta(p *pair) (delta, bool) {
	strength := func(v *view) int {
		l, ok := v.kw["additionalProperties"]
		switch {
		case !ok || l.v == true:
			return 0
		case l.v == false:
			return 2
		}
		if m, ok := l.v.(map[string]any); ok && len(m) == 0 {
			return 0
		}
		return 1
	}
	o, n := strength(p.o), strength(p.n)
	if o == n {
		return delta{}, false
	}
	k, msg := tightened, "additional properties restricted"
	if n < o {
		k, msg = loosened, "additional properties allowed more freely"
	}
	return delta{k, "additionalProperties", kwPtr(p.o, "additionalProperties"), kwPtr(p.n, "additionalProperties"), msg}, true
}

// booleanChange judges a pair where a side is a boolean schema: true
// admits anything, false nothing, an object schema something between.
func booleanChange(p *pair) {
	rank := func(v *view) int {
		switch {
		case v.boolean == nil:
			return 1
		case *v.boolean:
			return 0
		}
		return 2
	}
	o, n := rank(p.o), rank(p.n)
	switch {
	case o == n:
	case n < o:
		p.emit(ruleConstraintLoosened, p.o.ptr, p.n.ptr, "schema %s → %s", schemaWord(p.o), schemaWord(p.n))
	default:
		p.emit(ruleConstraintTightened, p.o.ptr, p.n.ptr, "schema %s → %s", schemaWord(p.o), schemaWord(p.n))
	}
}

func schemaWord(v *view) string {
	if v.boolean == nil {
		return "constrained"
	}
	return fmt.Sprint(*v.boolean)
}

// number reads a numeric keyword value exactly.
func number(v any) (*big.Rat, bool) {
	if v == nil {
		return nil, false
	}
	switch v.(type) {
	case bool, string, map[string]any, []any:
		return nil, false
	}
	r, ok := new(big.Rat).SetString(fmt.Sprint(v))
	return r, ok
}

// equalJSON compares JSON values, numbers by value (YAML 1.0 and JSON 1.0
// decode differently but mean the same).
func equalJSON(a, b any) bool { return equalJSONRefs(a, b, nil) }

// equalJSONRefs is equalJSON that also collects the $refs of a, when refs
// is not nil.
func equalJSONRefs(a, b any, refs *[]string) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !equalJSONRefs(xv, yv, refs) {
				return false
			}
			if s, isRef := xv.(string); isRef && k == "$ref" && refs != nil {
				*refs = append(*refs, s)
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalJSONRefs(x[i], y[i], refs) {
				return false
			}
		}
		return true
	case string, bool, nil:
		return a == b
	}
	xn, ok1 := number(a)
	yn, ok2 := number(b)
	if ok1 && ok2 {
		return xn.Cmp(yn) == 0
	}
	return reflect.DeepEqual(a, b)
}
