package gate

// A pattern, format or other constraint was replaced: the gate cannot
// prove the new one admits a superset or a subset, so it assumes both
// directions break.
var ruleConstraintChanged = register(&Rule{
	ID:      "constraint-changed",
	Summary: "a constraint was replaced by one neither wider nor narrower (pattern, format…)",
	Impacts: incompatible(),
	check:   func(p *pair, r *Rule) { emitDeltas(p, changed, r) },
})
