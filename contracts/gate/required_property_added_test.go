package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleRequiredPropertyAdded(t *testing.T) {
	checkRule(t, "required-property-added", want{Level: gate.NonBreaking, Bump: gate.Minor, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties",
		New: "/components/schemas/Ping/required/1", Path: "/name"})
}
