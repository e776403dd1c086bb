package gate

// The new type admits every old value and more (integer → number, or
// "null" added): readers of provider messages meet values they never saw.
var ruleTypeWidened = register(&Rule{
	ID:      "type-widened",
	Summary: "the type admits more (integer → number, \"null\" added)",
	Impacts: widening(),
	phase:   kindType,
	check: func(p *pair, r *Rule) {
		if o, n, ok := typeDelta(p); ok && o&n == o {
			p.emit(r, kwPtr(p.o, "type"), kwPtr(p.n, "type"), "type %s → %s", o, n)
		}
	},
})
