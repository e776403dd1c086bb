package gate

// A const (an event's `type`, a discriminating value) that changes breaks
// every reader that dispatches on it.
var ruleConstChanged = register(&Rule{
	ID:      "const-changed",
	Summary: "a const value changed",
	Impacts: incompatible(),
	check: func(p *pair, r *Rule) {
		o, ook := p.o.kw["const"]
		n, nok := p.n.kw["const"]
		if ook && nok && !equalJSON(o.v, n.v) {
			p.emit(r, o.ptr, n.ptr, "const %s → %s", enumKey(o.v), enumKey(n.v))
		}
	},
})
