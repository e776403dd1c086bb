package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleDiscriminatorChanged(t *testing.T) {
	checkRule(t, "discriminator-changed", want{Level: gate.Breaking, Bump: gate.Major, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/discriminator",
		New: "/components/schemas/Ping/discriminator", Path: "/"})
}
