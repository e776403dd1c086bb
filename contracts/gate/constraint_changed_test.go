package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleConstraintChanged(t *testing.T) {
	checkRule(t, "constraint-changed", want{Level: gate.Breaking, Bump: gate.Major, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/code/pattern",
		New: "/components/schemas/Ping/properties/code/pattern", Path: "/code"})
}
