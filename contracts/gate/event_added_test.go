package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleEventAdded(t *testing.T) {
	checkRule(t, "event-added", want{Level: gate.NonBreaking, Bump: gate.Minor, Dir: spec.ProviderToConsumer, Event: "pong", Part: gate.PartEvent,
		Old: "/webhooks",
		New: "/webhooks/pong/post"})
}
