package gate_test

import (
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

func TestRuleResponseBodyAdded(t *testing.T) {
	checkRule(t, "response-body-added", want{Level: gate.Breaking, Bump: gate.Major, Dir: spec.ConsumerToProvider, Event: "ping", Part: gate.PartResponse, PartName: "200",
		Old: "/webhooks/ping/post/responses/200",
		New: "/webhooks/ping/post/responses/200/content/application~1json/schema", Path: "/"})
}
