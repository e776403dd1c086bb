package gate

import "github.com/hookmock/hookmock/spec"

// Consumers that answer with the removed status are now misunderstood
// (for Daily: counted as failed deliveries).
var ruleResponseRemoved = register(&Rule{
	ID:      "response-removed",
	Summary: "the provider no longer accepts a response status",
	Impacts: []Impact{{spec.ConsumerToProvider, Breaking, Major}},
})
