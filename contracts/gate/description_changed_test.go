package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleDescriptionChanged(t *testing.T) {
	checkRule(t, "description-changed", want{Level: gate.Info, Bump: gate.Patch, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/name/description",
		New: "/components/schemas/Ping/properties/name/description", Path: "/name"})
}
