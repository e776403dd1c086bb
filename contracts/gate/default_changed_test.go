package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleDefaultChanged(t *testing.T) {
	checkRule(t, "default-changed", want{Level: gate.Info, Bump: gate.Patch, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/name/default",
		New: "/components/schemas/Ping/properties/name/default", Path: "/name"})
}
