package contracts_test

import (
	"bytes"
	"encoding/xml"
	"net/http/httptest"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/contracts"
	"github.com/hookmock/hookmock/internal/mistaken"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

// mistakenContract holds a mistaken consumer to the defaults, as
// `hookmock verify --to` would, on the calltransfer events.
func mistakenContract(m mistaken.Consumer, url string) *contracts.Contract {
	c := &contracts.Contract{Name: m.Name, Endpoint: url, SpecRef: "embedded:daily/calltransfer.yaml",
		Signing: contracts.Signing{Secret: secret}, Events: m.Events, Deadline: contracts.DefaultDeadline, Concurrency: 8}
	if m.Standard {
		c.Signing = contracts.Signing{Scheme: signing.Standard, Secret: "whsec_" + secret}
	}
	return c
}

func mistakes(d *contracts.Diagnosis) []string {
	var out []string
	if d != nil {
		for _, f := range d.Findings {
			out = append(out, string(f.Mistake))
		}
	}
	return out
}

// readable is a report as a reader sees the clause's diagnosis: for JUnit,
// the system-out of the clause's failed testcases, unescaped.
func readable(format string, data []byte, clause string) string {
	if format != "junit" {
		return string(data)
	}
	var suite struct {
		Cases []struct {
			ClassName string    `xml:"classname,attr"`
			Failure   *struct{} `xml:"failure"`
			SystemOut string    `xml:"system-out"`
		} `xml:"testcase"`
	}
	Expect(xml.Unmarshal(data, &suite)).To(Succeed())
	var out strings.Builder
	for _, c := range suite.Cases {
		if c.ClassName == "hookmock.verify."+clause && c.Failure != nil {
			out.WriteString(c.SystemOut)
		}
	}
	return out.String()
}

var _ = Describe("the diagnosis", func() {
	var entries []TableEntry
	for _, m := range mistaken.Consumers {
		entries = append(entries, Entry(m.Name, m))
	}
	DescribeTable("names the one mistake of each consumer, with evidence and a fix",
		func(m mistaken.Consumer) {
			srv := httptest.NewServer(m.Handler(secret))
			DeferCleanup(srv.Close)
			rep := verify(mistakenContract(m, srv.URL))
			Expect(rep.Error).To(BeEmpty())
			if m.Mistake == "" {
				Expect(rep).To(contracts.Pass())
				Expect(rep.Diagnosis).To(BeNil(), "a correct consumer gets no diagnosis")
				return
			}
			Expect(rep.FailedClauses()).To(ContainElement(m.Clause))
			want := []string{m.Mistake}
			if m.Also != "" {
				want = append(want, m.Also)
			}
			Expect(mistakes(rep.Diagnosis)).To(Equal(want), "exactly the consumer's mistakes, and no hint about what follows from them")
			f := rep.Diagnosis.Findings[0]
			Expect(f.Clause).To(Equal(m.Clause))
			Expect(f.Says).To(ContainSubstring(m.Phrase))
			Expect(f.Fix).NotTo(BeEmpty())
			Expect(f.Evidence).NotTo(BeEmpty())
			for _, ex := range f.Evidence {
				Expect(ex.Status).NotTo(BeZero(), "evidence names the status")
				Expect(ex.LatencyMS).To(BeNumerically(">", 0), "and the latency")
			}
			// The clause's note, in the summary and in the report.
			var note []contracts.Finding
			for _, s := range rep.Summary() {
				if s.ID == m.Clause {
					note = s.Diagnosis
				}
			}
			Expect(note).To(ContainElement(f))
			Expect(rep.Diagnosis.Requests).To(BeNumerically("<=", contracts.MaxDiagnosisRequests))
			Expect(rep.Diagnosis.Sent).To(HaveLen(rep.Diagnosis.Requests), "every extra request is recorded")
			for _, format := range contracts.Formats {
				var b bytes.Buffer
				Expect(rep.Write(&b, format)).To(Succeed())
				Expect(readable(format, b.Bytes(), m.Clause)).To(ContainSubstring(m.Phrase), format)
			}
		},
		entries,
	)

	It("names the accepted variant, status and latency as evidence", func() {
		m := mistaken.Consumers[2] // the HMAC over the body alone
		Expect(m.Mistake).To(Equal(string(contracts.MistakeBodyOnlyHMAC)))
		srv := httptest.NewServer(m.Handler(secret))
		DeferCleanup(srv.Close)
		rep := verify(mistakenContract(m, srv.URL))
		f := rep.Diagnosis.Findings[0]
		Expect(f.Evidence[0].Step).To(HavePrefix("variant: HMAC over the body alone (X-Webhook-Timestamp: "))
		Expect(f.Evidence[0].Status).To(Equal(200))
		Expect(f.Evidence[1].Status).To(Equal(401), "the correctly signed delivery it rejected")
		Expect(rep.Diagnosis.Requests).To(Equal(1), "the first variant was accepted")
		var text bytes.Buffer
		Expect(rep.Write(&text, "text")).To(Succeed())
		Expect(text.String()).To(MatchRegexp(`(?m)^diagnosis: 1 extra request sent \(at most 10\)$`))
		Expect(text.String()).To(MatchRegexp(`(?m)^  evidence: variant: HMAC over the body alone \(X-Webhook-Timestamp: \d+, X-Webhook-Signature: [A-Za-z0-9+/]+=*\) \[id 3602-call-transfer-\S+\]: 200 in [\d.]+ ms; body: \{"ok":true\}$`))
		Expect(text.String()).To(ContainSubstring("  fix: compute the HMAC over <X-Webhook-Timestamp>.<body>"))
	})

	It("says so when no variant is accepted, within the bound", func() {
		m := mistaken.Consumers[0]
		srv := httptest.NewServer(m.Handler("d3Jvbmcgc2VjcmV0IG9mIHRoZSBjb25zdW1lcg=="))
		DeferCleanup(srv.Close)
		rep := verify(mistakenContract(m, srv.URL))
		Expect(rep.FailedClauses()).To(ContainElement(contracts.ClauseAcceptsValid))
		Expect(rep.Diagnosis.For(contracts.ClauseAcceptsValid)).To(BeEmpty())
		Expect(rep.Diagnosis.Requests).To(Equal(7), "every Daily variant, once")
		Expect(rep.Diagnosis.Unexplained).To(HavePrefix("none of 7 signing variants of calltransfer."))
	})

	It("sends no variants for a scheme it does not know how to mis-sign", func() {
		m := mistaken.Consumers[0] // checks Daily's signature, so rejects GitHub's
		srv := httptest.NewServer(m.Handler(secret))
		DeferCleanup(srv.Close)
		c := mistakenContract(m, srv.URL)
		c.Signing = contracts.Signing{Scheme: signing.GitHub, Secret: "a github webhook secret"}
		rep := verify(c)
		Expect(rep.FailedClauses()).To(ContainElement(contracts.ClauseAcceptsValid))
		if rep.Diagnosis != nil {
			Expect(rep.Diagnosis.Requests).To(BeZero())
		}
	})

	It("gives a fix hint for the clauses that are not about signatures", func() {
		for _, c := range []struct {
			f       *fixture
			clause  string
			mistake contracts.Mistake
			fix     string
		}{
			{&fixture{processTwice: true}, contracts.ClauseDuplicateSafe, contracts.HintDuplicateSafe, "record the event id with its effect"},
			{&fixture{failOutOfOrder: true}, contracts.ClauseOutOfOrder, contracts.HintOutOfOrder, "answer 200 to an event that comes early and park it"},
			{&fixture{failUnknownFields: true}, contracts.ClauseToleratesAdditiveChange, contracts.HintToleratesAdditiveChange, "ignore unknown fields"},
		} {
			c.f.rejectInvalid, c.f.ack = true, ok
			srv := c.f.start()
			rep := verify(fixtureContract(srv.URL))
			Expect(rep).To(contracts.FailExactly(c.clause))
			Expect(rep.Diagnosis.Findings).To(ConsistOf(HaveField("Mistake", c.mistake)), c.clause)
			Expect(rep.Diagnosis.Findings[0].Fix).To(ContainSubstring(c.fix))
			Expect(rep.Diagnosis.Requests).To(BeZero(), "hints send nothing")
		}
		ackSpec, err := spec.LoadFile("testdata/ack-webhooks.yaml")
		Expect(err).NotTo(HaveOccurred())
		srv := (&fixture{spec: ackSpec, rejectInvalid: true, ack: `{"received":"yes"}`}).start()
		c, err := contracts.LoadContract("testdata/ack-consumer.yaml")
		Expect(err).NotTo(HaveOccurred())
		c.Endpoint = srv.URL + "/hook"
		rep := verify(c)
		Expect(rep).To(contracts.FailExactly(contracts.ClauseResponseShape))
		Expect(rep.Diagnosis.Findings).To(ConsistOf(HaveField("Mistake", contracts.HintResponseShape)))
		Expect(rep.Diagnosis.Findings[0].Says).To(ContainSubstring("/received: got string, want boolean"))
	})
})
