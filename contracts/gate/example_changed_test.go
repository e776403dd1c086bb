package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleExampleChanged(t *testing.T) {
	checkRule(t, "example-changed", want{Level: gate.Info, Bump: gate.Patch, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/name/examples",
		New: "/components/schemas/Ping/properties/name/examples", Path: "/name"})
}
