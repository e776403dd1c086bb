package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleEnumValueRemoved(t *testing.T) {
	checkRule(t, "enum-value-removed", want{Level: gate.NonBreaking, Bump: gate.Minor, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/status/enum/2",
		New: "/components/schemas/Ping/properties/status/enum", Path: "/status"})
}
