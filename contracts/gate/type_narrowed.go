package gate

// The new type admits a subset of the old values.
var ruleTypeNarrowed = register(&Rule{
	ID:      "type-narrowed",
	Summary: "the type admits less (number → integer, \"null\" removed)",
	Impacts: narrowing(),
	phase:   kindType,
	check: func(p *pair, r *Rule) {
		if o, n, ok := typeDelta(p); ok && o&n == n {
			p.emit(r, kwPtr(p.o, "type"), kwPtr(p.n, "type"), "type %s → %s", o, n)
		}
	},
})
