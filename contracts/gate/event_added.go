package gate

import "github.com/hookmock/hookmock/spec"

// Consumers subscribe to events by name, so a new one reaches nobody who
// did not ask for it.
var ruleEventAdded = register(&Rule{
	ID:      "event-added",
	Summary: "a new webhook event is sent",
	Impacts: []Impact{{spec.ProviderToConsumer, NonBreaking, Minor}},
})
