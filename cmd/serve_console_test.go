package cmd_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookmock/hookmock/cmd"
)

// runServe runs `hookmock serve` with args and returns its base URL, its
// stdout, and a stop function that waits for it to exit.
func runServe(t *testing.T, args ...string) (string, *syncBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- cmd.RunWithInput(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--store", "memory"}, args...), strings.NewReader(""), &out, &errOut)
	}()
	ready := regexp.MustCompile(`ready on (http://\S+)`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; time.Sleep(10 * time.Millisecond) {
		if m := ready.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		} else if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no ready line; stdout %q stderr %q", out.String(), errOut.String())
		}
	}
	return base, &out, func() {
		cancel()
		select {
		case code := <-done:
			if code != cmd.ExitOK {
				t.Errorf("serve exited %d: %s", code, errOut.String())
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not stop")
		}
	}
}

func postJSON(t *testing.T, url, body string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("POST %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

// TestServeConsoleLogsEachAttempt: a consumer that fails twice then
// accepts, under the exponential policy, makes three attempts and three
// lines; a circuit-breaker webhook failing three times turns FAILED and
// gets its summary line; --quiet prints none of it.
func TestServeConsoleLogsEachAttempt(t *testing.T) {
	var calls atomic.Int32
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), `"test":"test"`) {
			return // the verification probe
		}
		if calls.Add(1) <= 2 {
			w.WriteHeader(500)
		}
	}))
	defer consumer.Close()

	for _, tc := range []struct {
		name  string
		args  []string
		lines int
	}{
		{"text", nil, 6},
		{"json", []string{"--log-format", "json"}, 6},
		{"quiet", []string{"--quiet"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls.Store(0)
			base, out, stop := runServe(t, append([]string{"--clock", "virtual", "--seed", "3"}, tc.args...)...)
			postJSON(t, base+"/v1/webhooks", `{"url": "`+consumer.URL+`/flaky", "retryType": "exponential"}`)
			postJSON(t, base+"/_mock/events", `{"type": "meeting.started", "seed": 1}`)
			for range 2 {
				time.Sleep(200 * time.Millisecond)
				postJSON(t, base+"/_mock/clock/advance", `{"by": "15m"}`)
			}
			deadline := time.Now().Add(5 * time.Second)
			for strings.Count(out.String(), "meeting.started") < min(3, tc.lines) && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			stop()
			text := out.String()
			attempts := regexp.MustCompile(`(?m)^.*meeting\.started.*$`).FindAllString(text, -1)
			if tc.lines == 0 {
				if len(attempts) != 0 || strings.Count(text, "\n") != 1 {
					t.Fatalf("--quiet printed:\n%s", text)
				}
				return
			}
			if len(attempts) != 3 {
				t.Fatalf("want 3 attempt lines, got %d:\n%s", len(attempts), text)
			}
			for i, want := range []string{"500", "500", "200"} {
				line := attempts[i]
				if tc.name == "json" {
					var rec struct {
						Msg, EventType, EventID, Webhook, Outcome string
						Status                                    int
						LatencyMs                                 float64
						Time                                      time.Time
					}
					if err := json.Unmarshal([]byte(line), &rec); err != nil {
						t.Fatalf("line %d is not JSON: %v: %s", i, err, line)
					}
					if rec.Msg != "attempt" || rec.EventID == "" || rec.Webhook == "" || rec.Time.IsZero() || want != "200" && rec.Outcome != "failure" || want == "200" && rec.Outcome != "success" {
						t.Errorf("line %d: %+v", i, rec)
					}
					continue
				}
				if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\S+Z  meeting\.started\s+\S+\s+webhook [0-9a-f]{8}  ` + want + `\s+\d+\.\dms  (success|failure)`).MatchString(line) {
					t.Errorf("line %d: %q", i, line)
				}
			}
		})
	}
}

// TestServeConsoleSummarisesFailedWebhook: three failures flip a
// circuit-breaker webhook to FAILED, with one summary line.
func TestServeConsoleSummarisesFailedWebhook(t *testing.T) {
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), `"test":"test"`) {
			return
		}
		w.WriteHeader(503)
	}))
	defer consumer.Close()
	base, out, stop := runServe(t, "--seed", "4")
	postJSON(t, base+"/v1/webhooks", `{"url": "`+consumer.URL+`"}`)
	for i := range 3 {
		postJSON(t, base+"/_mock/events", `{"type": "meeting.ended", "seed": `+string(rune('1'+i))+`}`)
		time.Sleep(100 * time.Millisecond)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "FAILED") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if n := strings.Count(out.String(), " FAILED after 3 consecutive failures"); n != 1 {
		t.Errorf("want one FAILED summary, got %d:\n%s", n, out.String())
	}
	if n := strings.Count(out.String(), "meeting.ended"); n != 3 {
		t.Errorf("want 3 attempt lines, got %d:\n%s", n, out.String())
	}
}
