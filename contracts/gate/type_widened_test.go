package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleTypeWidened(t *testing.T) {
	checkRule(t, "type-widened", want{Level: gate.Breaking, Bump: gate.Major, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/name/type",
		New: "/components/schemas/Ping/properties/name/type", Path: "/name"})
}
