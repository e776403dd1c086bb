package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleTypeNarrowed(t *testing.T) {
	checkRule(t, "type-narrowed", want{Level: gate.NonBreaking, Bump: gate.Minor, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/amount/type",
		New: "/components/schemas/Ping/properties/amount/type", Path: "/amount"})
}
