package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleVariantAdded(t *testing.T) {
	checkRule(t, "variant-added", want{Level: gate.Breaking, Bump: gate.Major, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/value/oneOf",
		New: "/components/schemas/Ping/properties/value/oneOf/2", Path: "/value"})
}
