package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRulePropertyRemoved(t *testing.T) {
	checkRule(t, "property-removed", want{Level: gate.Breaking, Bump: gate.Major, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/name",
		New: "/components/schemas/Ping/properties", Path: "/name"})
}
