package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleResponseBodyRemoved(t *testing.T) {
	checkRule(t, "response-body-removed", want{Level: gate.NonBreaking, Bump: gate.Minor, Dir: spec.ConsumerToProvider, Event: "ping", Part: gate.PartResponse, PartName: "200",
		Old: "/webhooks/ping/post/responses/200/content/application~1json/schema",
		New: "/webhooks/ping/post/responses/200", Path: "/"})
}
