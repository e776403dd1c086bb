package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRulePropertyAdded(t *testing.T) {
	checkRule(t, "property-added", want{Level: gate.NonBreaking, Bump: gate.Minor, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties",
		New: "/components/schemas/Ping/properties/name", Path: "/name"})
}
