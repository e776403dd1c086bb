package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRulePropertyBecameRequired(t *testing.T) {
	checkRule(t, "property-became-required", want{Level: gate.NonBreaking, Bump: gate.Minor, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/name",
		New: "/components/schemas/Ping/required/1", Path: "/name"})
}
