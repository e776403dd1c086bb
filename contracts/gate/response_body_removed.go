package gate

import "github.com/hookmock/hookmock/spec"

// The provider stops reading the response body: whatever consumers send
// still works.
var ruleResponseBodyRemoved = register(&Rule{
	ID:      "response-body-removed",
	Summary: "the provider no longer declares a response body schema",
	Impacts: []Impact{{spec.ConsumerToProvider, NonBreaking, Minor}},
})
