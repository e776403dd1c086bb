package contractstest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/contracts"
	"github.com/hookmock/hookmock/contracts/contractstest"
)

func TestContractstest(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "contractstest")
}

// consumer answers 200 to everything: it keeps the two clauses the
// contract below runs, and nothing more is asked of it.
var consumer *httptest.Server

var _ = BeforeSuite(func() {
	consumer = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	DeferCleanup(consumer.Close)
})

var _ = contractstest.DescribeContract("an always-200 consumer", func() *contracts.Contract {
	return &contracts.Contract{
		Name:     "always-200",
		Endpoint: consumer.URL,
		Signing:  contracts.Signing{Secret: "c2VjcmV0"},
		Events:   []string{"calltransfer.completed"},
		Clauses: contracts.ClauseOptions{Skip: []string{contracts.ClauseRejectsBadSignature, contracts.ClauseDuplicateSafe,
			contracts.ClauseToleratesAdditiveChange, contracts.ClauseSchemaViolations}},
	}
}, Label("contract"))

// The helper made one spec per clause, in order, labelled; the ones the
// contract skips, or that do not apply, were skipped with the reason.
var _ = ReportAfterSuite("one spec per clause", func(r Report) {
	var got []string
	for _, s := range r.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt {
			continue
		}
		Expect(s.Labels()).To(ContainElement("contract"))
		id, _, _ := strings.Cut(s.LeafNodeText, ":")
		got = append(got, id+"="+s.State.String())
	}
	Expect(got).To(Equal([]string{"probe=passed", "accepts-valid=passed", "rejects-bad-signature=skipped",
		"duplicate-safe=skipped", "tolerates-additive-change=skipped", "schema-violations=skipped",
		"out-of-order=skipped", "response-shape=skipped"}))
})
