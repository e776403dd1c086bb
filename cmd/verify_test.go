package cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hookmock/hookmock/cmd"
	"github.com/hookmock/hookmock/mockserver"
)

const verifySecret = "c2VjcmV0LWZvci10aGUtdmVyaWZ5LWNvbW1hbmQ="

// lenient answers 200 to everything, the probe included: it checks no
// signature and rejects nothing.
func lenient(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestVerifyFailsALenientConsumerWithEvidence(t *testing.T) {
	srv := lenient(t)
	code, out, errOut := run(t, "", "verify", "--to", srv.URL, "--secret", verifySecret, "--event", "calltransfer.triggered", "--seed", "7")
	if code != cmd.ExitFailed {
		t.Fatalf("exit %d, want 1; stderr: %s\n%s", code, errOut, out)
	}
	for _, want := range []string{
		"hookmock verify: " + strings.TrimPrefix(srv.URL, "http://") + " → " + srv.URL,
		"seed 7;",
		"rejects-bad-signature      calltransfer.triggered  bad-signature       FAIL     want 4xx, got 200 in ",
		"FAIL: 1 of 8 clauses failed (rejects-bad-signature);",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !regexp.MustCompile(`(?m)^CLAUSE\s+EVENT\s+CASE\s+VERDICT\s+EVIDENCE$`).MatchString(out) {
		t.Errorf("no table header:\n%s", out)
	}
}

// lenientContract holds the lenient consumer only to what it does.
func lenientContract(t *testing.T, url string) string {
	return writeFile(t, "consumer.yaml", `name: lenient
endpoint: `+url+`
signing: {secret: `+verifySecret+`}
events: [calltransfer.triggered, calltransfer.completed]
clauses:
  schema-violations: accept
  skip: [rejects-bad-signature]
`)
}

func TestVerifyPassesAndWritesReports(t *testing.T) {
	srv := lenient(t)
	contract := lenientContract(t, srv.URL)
	junit := filepath.Join(t.TempDir(), "verify.xml")
	code, out, errOut := run(t, "", "verify", "--contract", contract, "--report", "junit", "--out", junit)
	if code != cmd.ExitOK {
		t.Fatalf("exit %d; stderr: %s\n%s", code, errOut, out)
	}
	if !strings.Contains(out, "PASS: ") || !strings.Contains(out, "rejects-bad-signature      -                       all") {
		t.Errorf("table:\n%s", out)
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		XMLName xml.Name `xml:"testsuite"`
		Tests   int      `xml:"tests,attr"`
		Cases   []struct {
			Name string `xml:"name,attr"`
		} `xml:"testcase"`
	}
	if err := xml.Unmarshal(data, &suite); err != nil || suite.Tests == 0 || len(suite.Cases) != suite.Tests {
		t.Fatalf("junit: %v, %d tests, %d cases\n%s", err, suite.Tests, len(suite.Cases), data)
	}

	// Without --out the report replaces the table on standard output.
	code, out, _ = run(t, "", "verify", "--contract", contract, "--report", "json")
	var rep struct{ Passed bool }
	if code != cmd.ExitOK || json.Unmarshal([]byte(out), &rep) != nil || !rep.Passed {
		t.Fatalf("exit %d, json report:\n%s", code, out)
	}
}

func TestVerifyFlagsOverrideTheContract(t *testing.T) {
	srv := lenient(t)
	// A contract pointing nowhere, redirected by --to; --deadline too
	// short for anything to pass accepts-valid is still a valid run.
	contract := lenientContract(t, "http://127.0.0.1:9/nowhere")
	code, out, _ := run(t, "", "verify", "--contract", contract, "--to", srv.URL, "--deadline", "1ns", "--timeout", "5s")
	if code != cmd.ExitFailed || !strings.Contains(out, "want 200 within 1ns, got 200 in") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestVerifyOffline(t *testing.T) {
	consumer := lenient(t)
	srv, err := mockserver.New(mockserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	body := `{"url":"` + consumer.URL + `","hmac":"` + verifySecret + `"}`
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/webhooks", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("register: %v %v", err, resp)
	}
	resp.Body.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := srv.Trigger(ctx, "calltransfer.completed"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	if err := json.NewEncoder(&log).Encode(mockserver.DeliveryLog{Deliveries: srv.Deliveries()}); err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, "deliveries.json", log.String())

	code, out, errOut := run(t, "", "verify", "--deliveries", file, "--secret", verifySecret, "--to", consumer.URL)
	if code != cmd.ExitOK {
		t.Fatalf("exit %d; stderr %s\n%s", code, errOut, out)
	}
	for _, want := range []string{"offline;", "accepts-valid              calltransfer.completed  recorded", "1 recorded attempt, all 200 within 5s",
		"offline: the delivery log does not record verification probes"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	broken := writeFile(t, "broken.json", "{\"deliveries\": [\n  {\"id\": \"d1\",}\n]}")
	code, _, errOut = run(t, "", "verify", "--deliveries", broken)
	if code != cmd.ExitUsage || !strings.Contains(errOut, "broken.json: line 2, column 15: ") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestVerifyUsageErrors(t *testing.T) {
	bad := writeFile(t, "bad.yaml", "name: x\nevents: [calltransfer.transfered]\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "give --contract FILE, or --to URL"},
		{[]string{"--to", "http://127.0.0.1:9", "--report", "html"}, `--report "html": want one of text, json, junit, markdown`},
		{[]string{"--to", "http://127.0.0.1:9"}, "signing.secret is required"},
		{[]string{"--to", "127.0.0.1:9", "--secret", verifySecret}, `endpoint: "127.0.0.1:9" is not an http(s) URL`},
		{[]string{"--contract", bad}, `bad.yaml:2: event "calltransfer.transfered" is not in embedded:daily/daily.yaml`},
		{[]string{"--contract", "nowhere.yaml"}, "--contract: open nowhere.yaml"},
		{[]string{"--to", "http://127.0.0.1:9", "--sign", "hex"}, `--sign: unknown signing scheme "hex"`},
		{[]string{"extra"}, `unknown command "extra"`},
	} {
		code, _, errOut := run(t, "", append([]string{"verify"}, c.args...)...)
		if code != cmd.ExitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errOut, c.want)
		}
	}
}
