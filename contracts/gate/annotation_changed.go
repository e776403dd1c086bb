package gate

// Other annotations (deprecated, readOnly, x- extensions…) inform tools
// and people but do not change which messages are valid.
var ruleAnnotationChanged = register(&Rule{
	ID:      "annotation-changed",
	Summary: "another annotation changed (deprecated, readOnly, writeOnly, $comment, x- extensions…)",
	Impacts: cosmetic(),
	phase:   kindDocs,
	check: func(p *pair, r *Rule) {
		annotationDiff(p, r, "deprecated", "readOnly", "writeOnly", "$comment", "externalDocs",
			"xml", "contentEncoding", "contentMediaType")
		annotationDiff(p, r)
	},
})
