package contracts_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/contracts"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

const ok = `{"ok":true}`

// fixtureContract loads testdata/fixture-consumer.yaml and points it at a
// fixture consumer.
func fixtureContract(base string) *contracts.Contract {
	c, err := contracts.LoadContract("testdata/fixture-consumer.yaml")
	Expect(err).NotTo(HaveOccurred())
	c.Endpoint = base + "/hook"
	c.Clauses.DuplicateSafe.IdempotencyProbe.URL = base + "/processed?id={id}"
	return c
}

func verify(c *contracts.Contract) contracts.Report {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return contracts.Verify(ctx, c)
}

// failedCases lists "clause/case" of the failed results.
func failedCases(rep contracts.Report) []string { return caseNames(rep.Failures()) }

// warnedCases lists "clause/case" of the results that warned.
func warnedCases(rep contracts.Report) []string { return caseNames(rep.Warnings()) }

func caseNames(rs []contracts.Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Clause+"/"+r.Case)
	}
	return out
}

var _ = Describe("Verify", func() {
	It("passes the good consumer on every clause that applies", func() {
		srv := (&fixture{rejectInvalid: true, ack: ok}).start()
		rep := verify(fixtureContract(srv.URL))
		Expect(rep).To(contracts.Pass())
		for _, s := range rep.Summary() {
			if s.ID == contracts.ClauseResponseShape {
				// Daily's contract declares no response body.
				Expect(s.Verdict).To(Equal(contracts.VerdictSkip))
				continue
			}
			Expect(s.Verdict).To(Equal(contracts.VerdictPass), s.ID)
		}
		// Four events: one valid case each, three signature cases, a
		// duplicate and two additive cases each, five kinds each (one is
		// skipped where the schema has no place for it), two orderings.
		Expect(rep.Clause(contracts.ClauseAcceptsValid)).To(HaveLen(4))
		Expect(rep.Clause(contracts.ClauseRejectsBadSignature)).To(HaveLen(3))
		Expect(rep.Clause(contracts.ClauseDuplicateSafe)).To(HaveLen(4))
		Expect(rep.Clause(contracts.ClauseToleratesAdditiveChange)).To(HaveLen(8))
		Expect(rep.Clause(contracts.ClauseSchemaViolations)).To(HaveLen(20))
		Expect(rep.Clause(contracts.ClauseOutOfOrder)).To(HaveLen(2))
		Expect(rep.Seed).NotTo(BeZero())
		dup := rep.Clause(contracts.ClauseDuplicateSafe)[0]
		Expect(dup.Reason).To(ContainSubstring("processed once"))
		Expect(dup.Evidence).To(HaveLen(3), "two copies and the idempotency probe")
		for _, r := range rep.Results {
			if r.Clause != contracts.ClauseProbe && r.Clause != contracts.ClauseOutOfOrder && r.Case != "all" {
				Expect(r.Event).To(HavePrefix("calltransfer."), jsonOf(r))
			}
		}
	})

	DescribeTable("a broken consumer fails exactly its clause, with evidence",
		func(f *fixture, tune func(*contracts.Contract), clause string, cases []string, evidence string) {
			f.rejectInvalid, f.ack = true, ok
			srv := f.start()
			c := fixtureContract(srv.URL)
			if tune != nil {
				tune(c)
			}
			rep := verify(c)
			Expect(rep).To(contracts.FailExactly(clause))
			Expect(failedCases(rep)).To(ConsistOf(cases))
			Expect(contracts.Pass().FailureMessage(rep)).To(ContainSubstring(evidence))
		},
		Entry("no signature check", &fixture{noSignatureCheck: true}, nil, contracts.ClauseRejectsBadSignature,
			[]string{"rejects-bad-signature/bad-signature", "rejects-bad-signature/missing-signature"},
			"signed with a secret the consumer does not know [id 3602-call-transfer-trig-"),
		Entry("sleeps past the deadline", &fixture{slow: 700 * time.Millisecond}, func(c *contracts.Contract) {
			// One event keeps the sleeping short (out-of-order then has
			// no lifecycle and is skipped); the timeout leaves room for
			// every other clause to judge the late statuses, and the
			// deadline room for the probe, which is not slowed, on a
			// loaded machine.
			c.Deadline, c.Timeout = 500*time.Millisecond, 5*time.Second
			c.Events = []string{"calltransfer.answered"}
		}, contracts.ClauseAcceptsValid,
			[]string{"accepts-valid/valid"}, "want 200 within 500ms, got 200 in"),
		Entry("500 on an unknown field", &fixture{failUnknownFields: true}, nil, contracts.ClauseToleratesAdditiveChange,
			[]string{"tolerates-additive-change/unknown-fields", "tolerates-additive-change/unknown-fields",
				"tolerates-additive-change/unknown-fields", "tolerates-additive-change/unknown-fields"},
			"unknown fields at /hookmock_added, /payload/hookmock_added"),
		Entry("processes duplicates twice", &fixture{processTwice: true}, nil, contracts.ClauseDuplicateSafe,
			[]string{"duplicate-safe/duplicate", "duplicate-safe/duplicate", "duplicate-safe/duplicate", "duplicate-safe/duplicate"},
			"times (want exactly 1)"),
		Entry("404 on the probe", &fixture{probe404: true}, nil, contracts.ClauseProbe,
			[]string{"probe/verification-probe"}, "want 200 within 2s, got 404"),
		Entry("5xx on out-of-order", &fixture{failOutOfOrder: true}, nil, contracts.ClauseOutOfOrder,
			[]string{"out-of-order/completed-before-answered", "out-of-order/reversed"},
			"4. calltransfer.answered: want an answer other than 5xx, got 500"),
	)

	It("says how many times a duplicate was processed", func() {
		srv := (&fixture{processTwice: true, rejectInvalid: true, ack: ok}).start()
		rep := verify(fixtureContract(srv.URL))
		r := rep.Clause(contracts.ClauseDuplicateSafe)[0]
		Expect(r.Reason).To(MatchRegexp(`both copies answered 200, but the consumer processed id "3602-call-transfer-\S+" 2 times \(want exactly 1\)`))
		probe := r.Evidence[2]
		Expect(probe.Step).To(HavePrefix("idempotency probe GET " + srv.URL + "/processed?id=3602-call-transfer-"))
		Expect(probe.Body).To(Equal("2"))
	})

	It("signs with Standard Webhooks when the contract says so", func() {
		srv := (&fixture{standard: true, rejectInvalid: true, ack: ok}).start()
		c := fixtureContract(srv.URL)
		c.Signing = contracts.Signing{Scheme: signing.Standard, Secret: "whsec_" + secret}
		Expect(verify(c)).To(contracts.Pass())
		// A Daily-signed run fails every signed case but the unsigned ones.
		c.Signing = contracts.Signing{Scheme: signing.Daily, Secret: secret}
		rep := verify(c)
		Expect(rep.Clause(contracts.ClauseProbe)).To(contracts.Pass())
		Expect(rep.Clause(contracts.ClauseAcceptsValid)).NotTo(contracts.Pass())
	})

	Describe("a consumer that checks signatures exactly as documented, with no replay window", func() {
		It("passes with a warning for the stale timestamp under Daily's scheme", func() {
			srv := (&fixture{noReplayWindow: true, rejectInvalid: true, ack: ok}).start()
			c := fixtureContract(srv.URL)
			rep := verify(c)
			Expect(rep).To(contracts.Pass())
			Expect(warnedCases(rep)).To(ConsistOf("rejects-bad-signature/stale-timestamp"))
			Expect(rep.WarnedClauses()).To(Equal([]string{contracts.ClauseRejectsBadSignature}))
			Expect(rep.Summary()[2].Verdict).To(Equal(contracts.VerdictWarn))
			Expect(rep.Warnings()[0].Reason).To(MatchRegexp(`^accepted a correctly signed event whose timestamp is 1h old \(200 in [\d.]+ ms\): anyone who captures one delivery can replay it\. Daily documents no replay window`))
			Expect(rep.Headline()).To(MatchRegexp(`^PASS with warnings \(rejects-bad-signature\): \d+ cases passed \(1 with a warning\), 0 failed, 1 skipped$`))
		})

		It("fails when the contract opts in to the replay window", func() {
			srv := (&fixture{noReplayWindow: true, rejectInvalid: true, ack: ok}).start()
			c := fixtureContract(srv.URL)
			c.Clauses.RejectsBadSignature.StaleTimestamp = contracts.VerdictFail
			rep := verify(c)
			Expect(rep).To(contracts.FailExactly(contracts.ClauseRejectsBadSignature))
			Expect(failedCases(rep)).To(ConsistOf("rejects-bad-signature/stale-timestamp"))
		})

		It("fails under Standard Webhooks, whose spec sets a 5-minute tolerance", func() {
			srv := (&fixture{standard: true, noReplayWindow: true, rejectInvalid: true, ack: ok}).start()
			c := fixtureContract(srv.URL)
			c.Signing = contracts.Signing{Scheme: signing.Standard, Secret: "whsec_" + secret}
			rep := verify(c)
			Expect(failedCases(rep)).To(ConsistOf("rejects-bad-signature/stale-timestamp"))
			Expect(rep.Warnings()).To(BeEmpty())
		})

		It("still fails one that accepts forged signatures", func() {
			srv := (&fixture{noSignatureCheck: true, rejectInvalid: true, ack: ok}).start()
			rep := verify(fixtureContract(srv.URL))
			Expect(failedCases(rep)).To(ConsistOf("rejects-bad-signature/bad-signature", "rejects-bad-signature/missing-signature"))
			Expect(rep).NotTo(contracts.Pass())
		})
	})

	It("checks basic auth when the contract sets it", func() {
		const auth = "aG9va21vY2s6dGVzdA=="
		srv := (&fixture{basicAuth: auth, rejectInvalid: true, ack: ok}).start()
		c := fixtureContract(srv.URL)
		c.Signing.BasicAuth = auth
		Expect(verify(c)).To(contracts.Pass())
		lax := (&fixture{rejectInvalid: true, ack: ok}).start()
		c = fixtureContract(lax.URL)
		c.Signing.BasicAuth = auth
		rep := verify(c)
		Expect(failedCases(rep)).To(ConsistOf("rejects-bad-signature/missing-basic-auth"))
		Expect(rep.Failures()[0].Evidence[0].Step).To(Equal("signed correctly, no Authorization header"))
	})

	It("asks an idempotency probe command, with the id in its arguments", func() {
		srv := (&fixture{rejectInvalid: true, ack: ok}).start()
		c := fixtureContract(srv.URL)
		c.Events = []string{"calltransfer.completed"}
		// A command that reads the count from the fixture's probe URL the
		// way an operator's script would read it from a database.
		c.Clauses.DuplicateSafe.IdempotencyProbe = &contracts.IdempotencyProbe{
			Command: []string{"sh", "-c", `test -n "$1" && echo "$2"`, "probe", "{id}", "1"}}
		rep := verify(c)
		Expect(rep).To(contracts.Pass())
		Expect(rep.Clause(contracts.ClauseDuplicateSafe)[0].Evidence[2].Step).To(MatchRegexp(`^idempotency probe \$ sh -c .* probe 3602-call-transfer-completed-\S+ 1$`))
		c.Clauses.DuplicateSafe.IdempotencyProbe.Command = []string{"sh", "-c", "echo nope >&2; exit 3", "{id}"}
		r := verify(c).Clause(contracts.ClauseDuplicateSafe)[0]
		Expect(r.Reason).To(Equal("both copies answered, but the idempotency probe failed: exit status 3: nope"))
	})

	It("checks a declared choice to accept schema violations", func() {
		srv := (&fixture{ack: ok}).start()
		c := fixtureContract(srv.URL)
		c.Clauses.SchemaViolations.Expect = contracts.Accept
		Expect(verify(c)).To(contracts.Pass())
		c.Clauses.SchemaViolations.Expect = contracts.Reject
		rep := verify(c)
		Expect(rep).To(contracts.FailExactly(contracts.ClauseSchemaViolations))
		Expect(rep.Failures()[0].Reason).To(HavePrefix("want 4xx (declared: reject), got 200"))
	})

	It("takes either a 4xx or a success to schema violations when the contract declares no choice, never a 5xx", func() {
		for _, reject := range []bool{false, true} {
			srv := (&fixture{rejectInvalid: reject, ack: ok}).start()
			c := fixtureContract(srv.URL)
			c.Clauses.SchemaViolations.Expect = ""
			rep := verify(c)
			Expect(rep).To(contracts.Pass(), "rejectInvalid %v", reject)
			r := rep.Clause(contracts.ClauseSchemaViolations)[0]
			Expect(r.Reason).To(MatchRegexp(`^want 4xx or 200 \(no choice declared: either\): got (200|400) in `))
			Expect(r.Reason).NotTo(ContainSubstring("contract says"))
		}
		srv := (&fixture{crashInvalid: true, ack: ok}).start()
		c := fixtureContract(srv.URL)
		c.Clauses.SchemaViolations.Expect = ""
		rep := verify(c)
		Expect(rep).To(contracts.FailExactly(contracts.ClauseSchemaViolations))
		Expect(rep.Failures()[0].Reason).To(HavePrefix("want 4xx or 200 (no choice declared: either), got 500 in "))
	})

	It("does not run skipped clauses", func() {
		srv := (&fixture{probe404: true, rejectInvalid: true, ack: ok}).start()
		c := fixtureContract(srv.URL)
		c.Clauses.Skip = []string{contracts.ClauseProbe, contracts.ClauseSchemaViolations}
		rep := verify(c)
		Expect(rep).To(contracts.Pass())
		Expect(rep.Clause(contracts.ClauseProbe)).To(ConsistOf(HaveField("Reason", "skipped by the contract")))
	})

	Describe("response-shape, against a contract that declares a response body", func() {
		ackContract := func(base string) *contracts.Contract {
			c, err := contracts.LoadContract("testdata/ack-consumer.yaml")
			Expect(err).NotTo(HaveOccurred())
			c.Endpoint = base + "/hook"
			return c
		}
		ackSpec := func() *spec.Spec {
			s, err := spec.LoadFile("testdata/ack-webhooks.yaml")
			Expect(err).NotTo(HaveOccurred())
			return s
		}

		It("passes a consumer that answers the declared body", func() {
			srv := (&fixture{spec: ackSpec(), rejectInvalid: true, ack: `{"received":true}`}).start()
			rep := verify(ackContract(srv.URL))
			Expect(rep).To(contracts.Pass())
			Expect(rep.Clause(contracts.ClauseResponseShape)).To(HaveLen(2))
			Expect(rep.Clause(contracts.ClauseResponseShape)[0].Reason).To(Equal("200 with a body matching the schema declared for 200"))
			Expect(rep.Clause(contracts.ClauseOutOfOrder)).To(ConsistOf(HaveField("Case", "paid-before-created")))
		})

		DescribeTable("fails only response-shape for a malformed body",
			func(ack, evidence string) {
				srv := (&fixture{spec: ackSpec(), rejectInvalid: true, ack: ack}).start()
				rep := verify(ackContract(srv.URL))
				Expect(rep).To(contracts.FailExactly(contracts.ClauseResponseShape))
				Expect(rep.Failures()).To(HaveLen(2))
				Expect(rep.Failures()[0].Reason).To(ContainSubstring(evidence))
			},
			Entry("not JSON", `{"received":`, "200 with a body that is not JSON (application/json declared): line 1, column 13"),
			Entry("wrong type", `{"received":"yes"}`, "200 with a body that breaks the schema declared for 200: /received: got string, want boolean"),
		)
	})

	It("reports a contract it cannot verify instead of running", func() {
		c := &contracts.Contract{Name: "nowhere", Signing: contracts.Signing{Secret: secret}}
		rep := verify(c)
		Expect(rep.Error).To(Equal(`contract "nowhere": endpoint: required to verify a live consumer (or verify recorded deliveries offline)`))
		Expect(rep.Results).To(BeEmpty())
		Expect(rep).NotTo(contracts.Pass())
		c.Endpoint = "http://127.0.0.1:1/hook"
		c.Signing.Secret = ""
		Expect(verify(c).Error).To(ContainSubstring("signing.secret is required"))
	})
})
