package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleConstraintLoosened(t *testing.T) {
	checkRule(t, "constraint-loosened", want{Level: gate.Breaking, Bump: gate.Major, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/name/maxLength",
		New: "/components/schemas/Ping/properties/name/maxLength", Path: "/name"})
}
