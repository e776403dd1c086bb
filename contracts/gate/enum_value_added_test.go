package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleEnumValueAdded(t *testing.T) {
	checkRule(t, "enum-value-added", want{Level: gate.Breaking, Bump: gate.Major, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/status/enum",
		New: "/components/schemas/Ping/properties/status/enum/2", Path: "/status"})
}
