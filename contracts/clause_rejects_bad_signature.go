package contracts

import (
	"context"
	"fmt"

	"github.com/hookmock/hookmock/signing"
)

// Cases of rejects-bad-signature.
const (
	CaseBadSignature     = "bad-signature"
	CaseMissingSignature = "missing-signature"
	CaseStaleTimestamp   = "stale-timestamp"
	CaseMissingBasicAuth = "missing-basic-auth"
)

type badSignatureCase struct {
	name, step  string
	sig         signature
	noBasicAuth bool
}

// badSignatureClause sends valid events that the provider did not sign:
// forged (signed with another secret), unsigned, and replayed (signed with
// the right secret, but StaleBy ago). Each must get a 4xx; a 5xx means
// the consumer crashed on them, a 2xx that it let them in. A stale
// timestamp let in is a warning, not a failure, where the scheme
// documents no replay window (Daily), unless the contract opts in.
var badSignatureClause = clause{
	Clause: Clause{
		ID:          ClauseRejectsBadSignature,
		Description: "answers 4xx to a forged signature, a missing signature and a stale timestamp (and to a missing Authorization header when basicAuth is set), each a separate case",
		Evidence:    "per case: what was wrong with the request, status, latency, response body",
	},
	plan: func(s *settings) ([]unit, string) {
		e := s.events[0]
		cases := []badSignatureCase{
			{CaseBadSignature, "signed with a secret the consumer does not know", signedByAnother, false},
			{CaseMissingSignature, "no signature headers", unsigned, false},
			{CaseStaleTimestamp, fmt.Sprintf("signed correctly, timestamp %s old", durationText(s.staleBy)), signedStale, false},
		}
		if s.c.Signing.BasicAuth != "" {
			cases = append(cases, badSignatureCase{CaseMissingBasicAuth, "signed correctly, no Authorization header", signed, true})
		}
		var units []unit
		for _, c := range cases {
			units = append(units, single(eventName(e), c.name, func(ctx context.Context, x *runner) outcome {
				body, id, err := x.event(e, nil, ClauseRejectsBadSignature, c.name)
				if err != nil {
					return fail(err.Error())
				}
				ex, _ := x.send(ctx, delivery{step: c.step, body: body, id: id, sig: c.sig, noBasicAuth: c.noBasicAuth})
				if c.name == CaseStaleTimestamp {
					return x.s.judgeStale(ex)
				}
				return judge(want4xx, ex)
			}))
		}
		return units, ""
	},
}

// judgeStale judges the stale-timestamp case at the contract's level: a
// 4xx passes; a success fails or, at warn level, names the replay risk;
// anything else (a crash, no answer) fails either way.
func (s *settings) judgeStale(ex Exchange) outcome {
	o := judge(want4xx, ex)
	if o.verdict != VerdictFail || s.staleLevel != VerdictWarn || !s.isSuccess(ex.Status) || ex.Error != "" {
		return o
	}
	who := "Daily documents"
	if s.c.Signing.Scheme != signing.Daily {
		who = fmt.Sprintf("the %s scheme documents", s.c.Signing.Scheme)
	}
	o.verdict = VerdictWarn
	o.reason = fmt.Sprintf("accepted a correctly signed event whose timestamp is %s old (%s): anyone who captures one delivery can replay it. "+
		"%s no replay window, so this is advice, not a failure: reject timestamps more than a few minutes from now "+
		"(set clauses.%s.staleTimestamp: fail to hold the consumer to it)", durationText(s.staleBy), got(ex), who, ClauseRejectsBadSignature)
	return o
}
