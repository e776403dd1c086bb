package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleTypeChanged(t *testing.T) {
	checkRule(t, "type-changed", want{Level: gate.Breaking, Bump: gate.Major, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/id/type",
		New: "/components/schemas/Ping/properties/id/type", Path: "/id"})
}
