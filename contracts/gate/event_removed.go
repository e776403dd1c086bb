package gate

import "github.com/hookmock/hookmock/spec"

// A removed event stops reaching consumers that handle it.
var ruleEventRemoved = register(&Rule{
	ID:      "event-removed",
	Summary: "a webhook event is no longer sent",
	Impacts: []Impact{{spec.ProviderToConsumer, Breaking, Major}},
})
