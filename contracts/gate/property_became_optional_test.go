package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRulePropertyBecameOptional(t *testing.T) {
	checkRule(t, "property-became-optional", want{Level: gate.Breaking, Bump: gate.Major, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/required/1",
		New: "/components/schemas/Ping/properties/name", Path: "/name"})
}
