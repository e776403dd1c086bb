package gate

// JSON Schema's default is an annotation: validators ignore it, and a
// provider sends real values, not defaults.
var ruleDefaultChanged = register(&Rule{
	ID:      "default-changed",
	Summary: "a default value changed",
	Impacts: cosmetic(),
	phase:   kindDocs,
	check:   func(p *pair, r *Rule) { annotationDiff(p, r, "default") },
})
