package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleVariantRemoved(t *testing.T) {
	checkRule(t, "variant-removed", want{Level: gate.NonBreaking, Bump: gate.Minor, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/value/oneOf/2",
		New: "/components/schemas/Ping/properties/value/oneOf", Path: "/value"})
}
