package gate

// A removed anyOf/oneOf branch: the provider sends fewer shapes (safe), or
// consumers' answers of that shape are rejected (breaking).
var ruleVariantRemoved = register(&Rule{
	ID:      "variant-removed",
	Summary: "an anyOf/oneOf no longer admits a branch",
	Impacts: narrowing(),
	phase:   kindType,
	check: func(p *pair, r *Rule) {
		for i, b := range p.removed {
			p.emit(r, b.Ptr, variantsPtr(p.n), "%s branch removed", p.removedT[i])
		}
	},
})
