package gate

// A new anyOf/oneOf branch lets the message take a shape readers of
// provider messages have not seen.
var ruleVariantAdded = register(&Rule{
	ID:      "variant-added",
	Summary: "an anyOf/oneOf admits a new branch",
	Impacts: widening(),
	phase:   kindType,
	check: func(p *pair, r *Rule) {
		for i, b := range p.added {
			p.emit(r, variantsPtr(p.o), b.Ptr, "%s branch added", p.addedT[i])
		}
	},
})

// variantsPtr is where a view's branches are, or would be.
func variantsPtr(v *view) string {
	if v.variantsKw.ptr != "" {
		return v.variantsKw.ptr
	}
	return v.ptr
}
