package gate

import "github.com/hookmock/hookmock/spec"

// The provider documents one more status it accepts from consumers.
var ruleResponseAdded = register(&Rule{
	ID:      "response-added",
	Summary: "the provider accepts a new response status",
	Impacts: []Impact{{spec.ConsumerToProvider, NonBreaking, Minor}},
})
