package gate

import "fmt"

// The provider stops sending a value (safe for consumers); consumers'
// answers using it are now rejected (breaking).
var ruleEnumValueRemoved = register(&Rule{
	ID:      "enum-value-removed",
	Summary: "an enum no longer admits a value",
	Impacts: narrowing(),
	check: func(p *pair, r *Rule) {
		o, ook := p.o.kw["enum"]
		n, nok := p.n.kw["enum"]
		if !ook || !nok {
			return
		}
		has := enumSet(n.v)
		vals, _ := o.v.([]any)
		for i, v := range vals {
			if !has[enumKey(v)] {
				p.emit(r, fmt.Sprintf("%s/%d", o.ptr, i), n.ptr, "enum value %s removed", enumKey(v))
			}
		}
	},
})
