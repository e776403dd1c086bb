package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleConstraintTightened(t *testing.T) {
	checkRule(t, "constraint-tightened", want{Level: gate.NonBreaking, Bump: gate.Minor, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/name/maxLength",
		New: "/components/schemas/Ping/properties/name/maxLength", Path: "/name"})
}
