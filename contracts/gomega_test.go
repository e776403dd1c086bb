package contracts_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/hookmock/hookmock/contracts"
)

// The matchers satisfy Gomega's interface without the package importing it.
var (
	_ types.GomegaMatcher = contracts.Pass()
	_ types.GomegaMatcher = contracts.FailExactly()
)

var _ = Describe("matchers", func() {
	failed := contracts.Report{Consumer: "billing", Results: []contracts.Result{
		{Clause: "probe", Case: "verification-probe", Verdict: contracts.VerdictPass, Reason: "want 200 within 5s: got 200 in 1.0 ms"},
		{Clause: "duplicate-safe", Event: "calltransfer.answered", Case: "duplicate", Verdict: contracts.VerdictFail,
			Reason:   `both copies answered 200, but the consumer processed id "x" 2 times (want exactly 1)`,
			Evidence: []contracts.Exchange{{Step: "copy 1 of 2", EventID: "x", Status: 200, LatencyMS: 1.5, Body: "ok"}}},
	}}

	It("lists each failed clause with its evidence", func() {
		ok, err := contracts.Pass().Match(failed)
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeFalse())
		Expect(contracts.Pass().FailureMessage(&failed)).To(Equal(`Expected consumer "billing" to keep its contract, but 1 clause(s) failed:

  ✗ duplicate-safe: answers success to a duplicate delivery (same id); with an idempotency probe, the event was processed exactly once
      calltransfer.answered duplicate:
        both copies answered 200, but the consumer processed id "x" 2 times (want exactly 1)
        - copy 1 of 2 [id x]: 200 in 1.5 ms; body: ok
`))
	})

	It("matches one clause's results and a single result", func() {
		Expect(failed.Clause("probe")).To(contracts.Pass())
		Expect(failed.Results[0]).To(contracts.Pass())
		Expect(failed.Clause("duplicate-safe")).NotTo(contracts.Pass())
		Expect(failed).To(contracts.FailExactly("duplicate-safe"))
		Expect(failed).NotTo(contracts.FailExactly("probe", "duplicate-safe"))
	})

	It("refuses what is not a report", func() {
		_, err := contracts.Pass().Match("PASS")
		Expect(err).To(MatchError("contracts matcher: want a Report, *Report, []Result or Result, got string"))
		_, err = contracts.FailExactly().Match((*contracts.Report)(nil))
		Expect(err).To(MatchError("contracts matcher: got a nil *Report"))
	})

	It("does not pass a report that could not be verified", func() {
		rep := contracts.Report{Consumer: "x", Error: "endpoint: required"}
		Expect(rep).NotTo(contracts.Pass())
		Expect(contracts.Pass().FailureMessage(rep)).To(Equal(`Expected consumer "x" to keep its contract, but it could not be verified: endpoint: required`))
	})
})
