package gate

import "github.com/hookmock/hookmock/spec"

// Consumers answered with any body (usually none); now the provider
// expects one of a given shape.
var ruleResponseBodyAdded = register(&Rule{
	ID:      "response-body-added",
	Summary: "the provider newly requires a response body schema",
	Impacts: []Impact{{spec.ConsumerToProvider, Breaking, Major}},
})
