package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleConstChanged(t *testing.T) {
	checkRule(t, "const-changed", want{Level: gate.Breaking, Bump: gate.Major, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/kind/const",
		New: "/components/schemas/Ping/properties/kind/const", Path: "/kind"})
}
