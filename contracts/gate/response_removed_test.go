package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleResponseRemoved(t *testing.T) {
	checkRule(t, "response-removed", want{Level: gate.Breaking, Bump: gate.Major, Dir: spec.ConsumerToProvider, Event: "ping", Part: gate.PartResponse, PartName: "410",
		Old: "/webhooks/ping/post/responses/410",
		New: "/webhooks/ping/post/responses", Path: "/"})
}
