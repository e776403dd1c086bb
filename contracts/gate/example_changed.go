package gate

// Examples illustrate; they bind nobody.
var ruleExampleChanged = register(&Rule{
	ID:      "example-changed",
	Summary: "an example changed",
	Impacts: cosmetic(),
	phase:   kindDocs,
	check:   func(p *pair, r *Rule) { annotationDiff(p, r, "example", "examples") },
})
