package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleEventRemoved(t *testing.T) {
	checkRule(t, "event-removed", want{Level: gate.Breaking, Bump: gate.Major, Dir: spec.ProviderToConsumer, Event: "pong", Part: gate.PartEvent,
		Old: "/webhooks/pong/post",
		New: "/webhooks"})
}
