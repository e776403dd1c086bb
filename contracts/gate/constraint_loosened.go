package gate

// More values are valid: a maximum raised, a minimum lowered, a pattern,
// format or enum dropped, additional properties allowed.
var ruleConstraintLoosened = register(&Rule{
	ID:      "constraint-loosened",
	Summary: "a constraint admits more values (bound relaxed; pattern, format or enum removed)",
	Impacts: widening(),
	check:   func(p *pair, r *Rule) { emitDeltas(p, loosened, r) },
})

func emitDeltas(p *pair, k deltaKind, r *Rule) {
	for _, d := range constraintDeltas(p) {
		if d.kind == k {
			p.emit(r, d.oldPtr, d.newPtr, "%s", d.msg)
		}
	}
}
