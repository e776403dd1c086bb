package contracts_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	. "github.com/onsi/gomega/gstruct"

	"github.com/hookmock/hookmock/contracts"
)

var _ = Describe("reports", Ordered, func() {
	var rep contracts.Report
	BeforeAll(func() {
		srv := (&fixture{noSignatureCheck: true, rejectInvalid: true, ack: ok}).start()
		rep = verify(fixtureContract(srv.URL))
		Expect(rep).To(contracts.FailExactly(contracts.ClauseRejectsBadSignature))
	})
	render := func(format string) []byte {
		var b bytes.Buffer
		Expect(rep.Write(&b, format)).To(Succeed())
		return b.Bytes()
	}

	It("writes JUnit that parses into testsuite/testcase, one testcase per clause-case", func() {
		var suite struct {
			XMLName  xml.Name `xml:"testsuite"`
			Name     string   `xml:"name,attr"`
			Tests    int      `xml:"tests,attr"`
			Failures int      `xml:"failures,attr"`
			Skipped  int      `xml:"skipped,attr"`
			Cases    []struct {
				ClassName string `xml:"classname,attr"`
				Name      string `xml:"name,attr"`
				Failure   *struct {
					Type    string `xml:"type,attr"`
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
				Properties []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:"value,attr"`
				} `xml:"properties>property"`
				SystemOut string `xml:"system-out"`
			} `xml:"testcase"`
		}
		Expect(xml.Unmarshal(render("junit"), &suite)).To(Succeed())
		Expect(suite.Name).To(Equal("hookmock verify fixture"))
		Expect(suite.Cases).To(HaveLen(len(rep.Results)))
		Expect(suite.Tests).To(Equal(len(rep.Results)))
		_, failed, skipped := rep.Counts()
		Expect([]int{suite.Failures, suite.Skipped}).To(Equal([]int{failed, skipped}))
		var fails, warns []string
		for _, c := range suite.Cases {
			if len(c.Properties) > 0 {
				warns = append(warns, c.Name)
				Expect(c.Failure).To(BeNil(), "a warning is not a failure")
				Expect(c.Properties[0].Name + "=" + c.Properties[0].Value).To(Equal("level=warn"))
				Expect(c.SystemOut).To(HavePrefix("WARN: accepted a correctly signed event whose timestamp is 1h old"))
			}
			if c.Failure != nil {
				fails = append(fails, c.ClassName+" "+c.Name)
				Expect(c.Failure.Type).To(Equal("rejects-bad-signature"))
				Expect(c.Failure.Message).To(HavePrefix("want 4xx, got 200 in "))
				Expect(c.Failure.Text).To(ContainSubstring(`body: {"ok":true}`))
			}
		}
		Expect(fails).To(Equal([]string{
			"hookmock.verify.rejects-bad-signature calltransfer.triggered bad-signature",
			"hookmock.verify.rejects-bad-signature calltransfer.triggered missing-signature",
		}))
		Expect(warns).To(Equal([]string{"calltransfer.triggered stale-timestamp"}))
	})

	It("writes JSON with the verdict, the clause summary and every result", func() {
		var got struct {
			Passed  bool
			Clauses []contracts.ClauseSummary
			Seed    uint64
			Results []contracts.Result
		}
		Expect(json.Unmarshal(render("json"), &got)).To(Succeed())
		Expect(got.Passed).To(BeFalse())
		Expect(got.Clauses).To(HaveLen(len(contracts.Clauses())))
		Expect(got.Seed).To(Equal(rep.Seed))
		Expect(got.Results).To(Equal(rep.Results))
		Expect(got.Clauses[2]).To(MatchFields(IgnoreExtras, Fields{"Verdict": Equal(contracts.VerdictFail), "Failed": Equal(2), "Warned": Equal(1)}))
		Expect(string(render("json"))).To(ContainSubstring(`"verdict": "warn"`))
	})

	It("writes a markdown summary for a pull request", func() {
		md := string(render("markdown"))
		Expect(md).To(HavePrefix("## ❌ hookmock verify FAIL: fixture\n"))
		Expect(md).To(ContainSubstring("| `rejects-bad-signature` | ❌ **fail** | 3 | 2 | 1 |"))
		Expect(md).To(ContainSubstring("| `probe` | ✅ pass | 1 | 0 | 0 |"))
		Expect(md).To(ContainSubstring("| `response-shape` | ➖ skip | 1 | 0 | 0 |"))
		Expect(md).To(MatchRegexp("\\| `rejects-bad-signature` \\| calltransfer.triggered \\| missing-signature \\| want 4xx, got 200 in .* \\| `\\{\"ok\":true\\}` \\|"))
		Expect(md).To(MatchRegexp("(?s)### Warnings\n\n.*\\| `rejects-bad-signature` \\| calltransfer.triggered \\| stale-timestamp \\| accepted a correctly signed event"))
		Expect(md).To(ContainSubstring("| stale-timestamp | ⚠️ warn |"))
		Expect(md).To(ContainSubstring("<details><summary>All 43 cases</summary>"))
	})

	It("prints a table with the evidence", func() {
		text := string(render("text"))
		lines := strings.Split(text, "\n")
		Expect(lines[0]).To(HavePrefix("hookmock verify: fixture → http://127.0.0.1:"))
		Expect(lines[1]).To(MatchRegexp(`^live; provider contract Daily call-transfer webhooks 1.0.0 \(embedded:daily/calltransfer.yaml\); seed \d+; `))
		Expect(text).To(MatchRegexp(`(?m)^CLAUSE\s+EVENT\s+CASE\s+VERDICT\s+EVIDENCE$`))
		Expect(text).To(MatchRegexp(`(?m)^rejects-bad-signature\s+calltransfer.triggered\s+missing-signature\s+FAIL\s+want 4xx, got 200 in [\d.]+ ms; body: \{"ok":true\}$`))
		Expect(text).To(MatchRegexp(`(?m)^probe\s+-\s+verification-probe\s+pass\s+want 200 within 2s: got 200 in `))
		Expect(text).To(MatchRegexp(`(?m)^rejects-bad-signature\s+calltransfer.triggered\s+stale-timestamp\s+WARN\s+accepted a correctly signed event whose timestamp is 1h old \(200 in [\d.]+ ms\): anyone who captures`))
		Expect(text).To(HaveSuffix("FAIL: 1 of 8 clauses failed (rejects-bad-signature); 40 cases passed (1 with a warning), 2 failed, 1 skipped\n"))
	})

	It("refuses an unknown format", func() {
		Expect(rep.Write(&bytes.Buffer{}, "html")).To(MatchError(`unknown report format "html" (want text, json, junit, markdown)`))
	})

	It("reports a contract that could not be verified in every format", func() {
		bad := verify(&contracts.Contract{Name: "x"})
		for _, f := range contracts.Formats {
			var b bytes.Buffer
			Expect(bad.Write(&b, f)).To(Succeed())
			Expect(b.String()).To(ContainSubstring("endpoint: required"), f)
		}
	})
})
