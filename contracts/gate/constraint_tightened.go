package gate

// Fewer values are valid: a maximum lowered, a minimum raised, a pattern,
// format or enum introduced, additional properties forbidden.
var ruleConstraintTightened = register(&Rule{
	ID:      "constraint-tightened",
	Summary: "a constraint admits fewer values (bound tightened; pattern, format or enum added)",
	Impacts: narrowing(),
	check:   func(p *pair, r *Rule) { emitDeltas(p, tightened, r) },
})
