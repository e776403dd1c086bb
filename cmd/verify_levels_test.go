package cmd_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/cmd"
)

// documented checks Daily's signature exactly as Daily documents it and
// nothing more: base64(HMAC-SHA256(base64-decode(hmac), timestamp + "." +
// body)) compared with X-Webhook-Signature, no replay window (Daily
// documents none), 200 to the unsigned probe and to every authentic event.
func documented(t *testing.T) *httptest.Server {
	key, _ := base64.StdEncoding.DecodeString(verifySecret)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if bytes.Equal(body, []byte(`{"test":"test"}`)) {
			return
		}
		m := hmac.New(sha256.New, key)
		m.Write([]byte(r.Header.Get("X-Webhook-Timestamp") + "."))
		m.Write(body)
		if !hmac.Equal([]byte(r.Header.Get("X-Webhook-Signature")), []byte(base64.StdEncoding.EncodeToString(m.Sum(nil)))) {
			http.Error(w, "invalid signature", http.StatusForbidden)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestVerifyPassesTheDocumentedDailyCheckWithAStaleTimestampWarning(t *testing.T) {
	srv := documented(t)
	code, out, errOut := run(t, "", "verify", "--to", srv.URL, "--secret", verifySecret, "--seed", "3")
	if code != cmd.ExitOK {
		t.Fatalf("exit %d, want 0; stderr: %s\n%s", code, errOut, out)
	}
	if !regexp.MustCompile(`(?m)^rejects-bad-signature\s+\S+\s+stale-timestamp\s+WARN\s+accepted a correctly signed event whose timestamp is 1h old \(200 in [\d.]+ ms\): anyone who captures one delivery can replay it`).MatchString(out) {
		t.Errorf("no stale-timestamp warning row:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^PASS with warnings \(rejects-bad-signature\): \d+ cases passed \(1 with a warning\), 0 failed, \d+ skipped$`).MatchString(out) {
		t.Errorf("headline:\n%s", out)
	}
	if strings.Contains(out, "contract says") {
		t.Errorf("cites a contract that was not given:\n%s", out)
	}

	// The warning in the other formats: JSON level, JUnit property, Markdown.
	_, js, _ := run(t, "", "verify", "--to", srv.URL, "--secret", verifySecret, "--seed", "3", "--event", "calltransfer.answered", "--report", "json")
	var rep struct {
		Passed  bool
		Results []struct{ Case, Verdict string }
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil || !rep.Passed {
		t.Fatalf("json: %v\n%s", err, js)
	}
	warned := 0
	for _, r := range rep.Results {
		if r.Verdict == "warn" {
			warned++
			if r.Case != "stale-timestamp" {
				t.Errorf("warned case %q", r.Case)
			}
		}
	}
	if warned != 1 {
		t.Errorf("%d warnings in the JSON, want 1", warned)
	}
	code, junit, _ := run(t, "", "verify", "--to", srv.URL, "--secret", verifySecret, "--seed", "3", "--event", "calltransfer.answered", "--report", "junit")
	var suite struct {
		Failures int `xml:"failures,attr"`
		Cases    []struct {
			Name  string `xml:"name,attr"`
			Props []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
		} `xml:"testcase"`
	}
	if err := xml.Unmarshal([]byte(junit), &suite); err != nil || code != cmd.ExitOK || suite.Failures != 0 {
		t.Fatalf("junit: exit %d, %v, %d failures\n%s", code, err, suite.Failures, junit)
	}
	if !strings.Contains(junit, `<property name="level" value="warn"></property>`) {
		t.Errorf("junit has no warn property:\n%s", junit)
	}
	_, md, _ := run(t, "", "verify", "--to", srv.URL, "--secret", verifySecret, "--seed", "3", "--event", "calltransfer.answered", "--report", "markdown")
	for _, want := range []string{"## ⚠️ hookmock verify PASS with warnings:", "### Warnings", "| stale-timestamp | ⚠️ warn |"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestVerifyStillFailsAConsumerThatAcceptsForgedSignatures(t *testing.T) {
	srv := lenient(t)
	code, out, _ := run(t, "", "verify", "--to", srv.URL, "--secret", verifySecret, "--event", "calltransfer.answered")
	if code != cmd.ExitFailed {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	for _, want := range []string{
		"bad-signature       FAIL     want 4xx, got 200 in ",
		"missing-signature   FAIL     want 4xx, got 200 in ",
		"FAIL: 1 of 8 clauses failed (rejects-bad-signature);",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestVerifySchemaViolationsFlag(t *testing.T) {
	srv := lenient(t)
	code, out, _ := run(t, "", "verify", "--to", srv.URL, "--secret", verifySecret, "--event", "calltransfer.answered", "--schema-violations", "reject")
	if code != cmd.ExitFailed || !strings.Contains(out, "want 4xx (declared: reject), got 200 in ") ||
		!strings.Contains(out, "clauses failed (rejects-bad-signature, schema-violations)") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, _, errOut := run(t, "", "verify", "--to", srv.URL, "--secret", verifySecret, "--schema-violations", "ignore")
	if code != cmd.ExitUsage || !strings.Contains(errOut, `--schema-violations: want reject, accept or either, got "ignore"`) {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}
