// Package contractstest turns a consumer contract into Ginkgo specs. It is
// apart from package contracts because it imports Ginkgo and Gomega, which
// the CLI and other importers of contracts have no use for.
package contractstest

import (
	"bytes"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/contracts"
)

// DescribeContract declares an Ordered container that verifies the
// contract once, in BeforeAll, and has one spec per clause, named by its
// id and description. A clause that failed fails its spec with the
// evidence; one that was skipped (by the contract, or because it does not
// apply) is skipped with the reason. contract is called in the BeforeAll,
// so it may start the consumer and DeferCleanup its shutdown, or point at
// one a BeforeSuite started. args are passed to Describe (decorators such
// as Label).
//
//	var _ = contractstest.DescribeContract("billing consumer", func() *contracts.Contract {
//		c, err := contracts.LoadContract("consumer.yaml")
//		Expect(err).NotTo(HaveOccurred())
//		c.Endpoint = consumerURL
//		return c
//	})
func DescribeContract(text string, contract func() *contracts.Contract, args ...any) bool {
	body := func() {
		var rep contracts.Report
		BeforeAll(func(ctx SpecContext) {
			rep = contracts.Verify(ctx, contract())
			Expect(rep.Error).To(BeEmpty(), "the consumer contract could not be verified")
			var table bytes.Buffer
			_ = rep.Write(&table, "text")
			AddReportEntry("hookmock verify", table.String(), ReportEntryVisibilityFailureOrVerbose)
		})
		for _, c := range contracts.Clauses() {
			It(c.ID+": "+c.Description, func() {
				results := rep.Clause(c.ID)
				if why, skipped := allSkipped(results); skipped {
					Skip(why)
				}
				for _, r := range results {
					if r.Verdict == contracts.VerdictWarn {
						AddReportEntry("warning: "+r.Case, r.Reason)
					}
				}
				Expect(results).To(contracts.Pass())
			})
		}
	}
	return Describe(text, append([]any{Ordered}, append(args, body)...)...)
}

// allSkipped tells whether no case of a clause ran, and why.
func allSkipped(results []contracts.Result) (string, bool) {
	if len(results) == 0 {
		return "the clause did not run", true
	}
	for _, r := range results {
		if r.Verdict != contracts.VerdictSkip {
			return "", false
		}
	}
	return results[0].Reason, true
}
