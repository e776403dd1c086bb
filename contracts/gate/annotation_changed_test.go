package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleAnnotationChanged(t *testing.T) {
	checkRule(t, "annotation-changed", want{Level: gate.Info, Bump: gate.Patch, Dir: spec.ProviderToConsumer, Event: "ping", Part: gate.PartBody,
		Old: "/components/schemas/Ping/properties/name/deprecated",
		New: "/components/schemas/Ping/properties/name/deprecated", Path: "/name"})
}
