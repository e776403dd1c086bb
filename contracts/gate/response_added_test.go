package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleResponseAdded(t *testing.T) {
	checkRule(t, "response-added", want{Level: gate.NonBreaking, Bump: gate.Minor, Dir: spec.ConsumerToProvider, Event: "ping", Part: gate.PartResponse, PartName: "202",
		Old: "/webhooks/ping/post/responses",
		New: "/webhooks/ping/post/responses/202", Path: "/"})
}
