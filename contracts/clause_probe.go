package contracts

import (
	"context"

	"github.com/hookmock/hookmock/mockserver/wire"
)

// probeClause: Daily POSTs {"test":"test"} before it creates or re-activates
// a webhook and wants a 200 within a few seconds. The probe is unsigned (a
// consumer cannot know a secret Daily provisions at creation), so a
// consumer must let it through before checking signatures.
var probeClause = clause{
	Clause: Clause{
		ID:          ClauseProbe,
		Description: `answers 200, within the deadline, to Daily's unsigned verification probe {"test":"test"}`,
		Evidence:    "the probe's status, latency and response body",
	},
	plan: func(s *settings) ([]unit, string) {
		return []unit{single("", "verification-probe", runProbe)}, ""
	},
}

func runProbe(ctx context.Context, x *runner) outcome {
	ex, _ := x.send(ctx, delivery{step: "unsigned probe", body: wire.ProbeBody, sig: unsigned})
	ok := expectation{"200 within " + durationText(x.s.deadline), func(ex Exchange) bool { return ex.Status == 200 && !x.s.late(ex) }}
	return judge(ok, ex)
}
