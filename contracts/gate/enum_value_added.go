package gate

import "fmt"

// A consumer that switches over the old values meets one it does not
// know. Schemas that promise more values will come (x-extensible-enum:
// true) make it non-breaking; so can a policy.
var ruleEnumValueAdded = register(&Rule{
	ID:      "enum-value-added",
	Summary: "an enum admits a new value (minor under x-extensible-enum or policy)",
	Impacts: widening(),
	check: func(p *pair, r *Rule) {
		o, ook := p.o.kw["enum"]
		n, nok := p.n.kw["enum"]
		if !ook || !nok {
			return
		}
		had := enumSet(o.v)
		vals, _ := n.v.([]any)
		for i, v := range vals {
			if had[enumKey(v)] {
				continue
			}
			p.emit(r, o.ptr, fmt.Sprintf("%s/%d", n.ptr, i), "enum value %s added", enumKey(v))
			if p.n.kw["x-extensible-enum"].v == true {
				p.out[len(p.out)-1].override = &Impact{Direction: p.dir, Level: NonBreaking, Bump: Minor}
			}
		}
	},
})

// enumKey renders a value so that equal JSON values get equal keys.
func enumKey(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case nil:
		return "null"
	case bool, map[string]any, []any:
		return fmt.Sprint(x)
	}
	if r, ok := number(v); ok {
		return r.RatString()
	}
	return fmt.Sprint(v)
}

func enumSet(v any) map[string]bool {
	vals, _ := v.([]any)
	out := make(map[string]bool, len(vals))
	for _, x := range vals {
		out[enumKey(x)] = true
	}
	return out
}
