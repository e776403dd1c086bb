package cmd_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookmock/hookmock/cmd"
	"github.com/hookmock/hookmock/signing"
)

func TestLoadAgainstATrivialConsumer(t *testing.T) {
	secret := base64.StdEncoding.EncodeToString([]byte("load command test secret, 32 b."))
	var verified, rejected atomic.Int64
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if signing.Verify(signing.Daily, secret, r.Header, body, time.Now(), time.Minute) != nil {
			rejected.Add(1)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		verified.Add(1)
	}))
	defer consumer.Close()

	code, out, errs := run(t, "", "load", "--to", consumer.URL, "--rate", "40/s", "--duration", "1s", "--secret", secret, "--seed", "9")
	if code != cmd.ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if verified.Load() != 40 || rejected.Load() != 0 {
		t.Errorf("consumer verified %d, rejected %d; want 40 and 0", verified.Load(), rejected.Load())
	}
	for _, re := range []string{
		`hookmock load: 40 sent to ` + regexp.QuoteMeta(consumer.URL) + ` in [0-9.]+m?s \(target 40/s, achieved [0-9.]+/s\)`,
		`ok 40   errors 0   missed 0`,
		`latency  min \S+  p50 \S+  p90 \S+  p99 \S+  p99\.9 \S+  max \S+  mean \S+`,
		`statuses 200×40`,
		`latency histogram\n(\s+\S+\s+[█▏▎▍▌▋▊▉]*\s+\d+\s+[0-9.]+%\n)+$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("summary does not match %s:\n%s", re, out)
		}
	}
	// The histogram counts every send.
	total := 0
	for _, m := range regexp.MustCompile(`(?m)^\s+\S+\s+[█▏▎▍▌▋▊▉]*\s+(\d+)\s+[0-9.]+%$`).FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		total += n
	}
	if total != 40 {
		t.Errorf("histogram rows add up to %d, want 40:\n%s", total, out)
	}
	// Not a terminal: one progress line per second, no carriage returns.
	if strings.Contains(errs, "\r") || !regexp.MustCompile(`(?m)^\s+\d+\.\ds  sent \d+ \(\d+/s\)  ok \d+  errors 0  missed 0  p50 \S+  p99 \S+  in flight \d+$`).MatchString(errs) {
		t.Errorf("progress on stderr:\n%q", errs)
	}
}

func TestLoadFailuresAndUsage(t *testing.T) {
	teapot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	defer teapot.Close()
	code, out, _ := run(t, "", "load", "--to", teapot.URL, "--rate", "100", "--duration", "10s", "--max", "5", "--event", "calltransfer.completed")
	if code != cmd.ExitFailed || !strings.Contains(out, "hookmock load: 5 sent") || !strings.Contains(out, "statuses 418×5") {
		t.Errorf("a consumer answering 418: exit %d\n%s", code, out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"load", "--rate", "5"}, "--to is required"},
		{[]string{"load", "--to", teapot.URL, "--rate", "lots"}, `--rate: "lots" is not a rate`},
		{[]string{"load", "--to", teapot.URL, "--secret", "not base64!"}, "--secret"},
		{[]string{"load", "--to", teapot.URL, "--event", "calltransfer.answered", "--scenario", "sip-refer"}, "not both"},
		{[]string{"load", "--to", teapot.URL, "--event", "calltransfer.nope", "--duration", "1s"}, "calltransfer.nope"},
		{[]string{"load", "--to", teapot.URL, "--duration", "0s"}, "duration"},
		{[]string{"load", "--to", teapot.URL, "--scenario", "no-such-scenario"}, "no-such-scenario"},
	} {
		code, _, errs := run(t, "", c.args...)
		if code != cmd.ExitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
}

func TestLoadPlaysAScenario(t *testing.T) {
	var got atomic.Int64
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		got.Add(1)
	}))
	defer consumer.Close()
	code, out, errs := run(t, "", "load", "--to", consumer.URL, "--rate", "10", "--duration", "300ms", "--scenario", "sip-call-transfer", "--seed", "1")
	if code != cmd.ExitOK || got.Load() < 12 || !strings.Contains(out, "sent to") {
		t.Errorf("3 runs of sip-call-transfer: exit %d, consumer got %d\n%s\n%s", code, got.Load(), out, errs)
	}
}

func TestLoadOutJSONAndRateCap(t *testing.T) {
	var got atomic.Int64
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		got.Add(1)
	}))
	defer consumer.Close()
	out := filepath.Join(t.TempDir(), "load.json")
	// 12,000/s is above a schedule's cap and within load's.
	code, stdout, errs := run(t, "", "load", "--to", consumer.URL, "--rate", "720000/m", "--max", "30", "--out", out, "--seed", "4")
	if code != cmd.ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, errs)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		TargetRate float64        `json:"targetRate"`
		Sent       int            `json:"sent"`
		Success    float64        `json:"success"`
		Throughput float64        `json:"throughput"`
		Signed     string         `json:"signed"`
		Statuses   map[string]int `json:"statuses"`
		Latency    struct {
			P50 int64 `json:"p50Ns"`
			P99 int64 `json:"p99Ns"`
			Max int64 `json:"maxNs"`
		} `json:"latency"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatalf("--out: %v\n%s", err, raw)
	}
	if rep.TargetRate != 12_000 || rep.Sent != 30 || got.Load() != 30 || rep.Success != 1 || rep.Throughput <= 0 || rep.Signed != "" ||
		rep.Statuses["200"] != 30 || rep.Latency.P50 <= 0 || rep.Latency.P99 < rep.Latency.P50 || rep.Latency.Max < rep.Latency.P99 {
		t.Errorf("--out JSON: %+v\n%s", rep, raw)
	}
	for _, c := range []struct{ rate, want string }{
		{"100000000", "per CPU"},
		{"720000/x", `"720000/x" is not a rate`},
	} {
		code, _, errs := run(t, "", "load", "--to", consumer.URL, "--rate", c.rate, "--max", "1")
		if code != cmd.ExitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("--rate %s: exit %d, %q; want 2 and %q", c.rate, code, errs, c.want)
		}
	}
}
