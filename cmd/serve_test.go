package cmd_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookmock/hookmock/cmd"
)

// syncBuffer lets a test read what a running command has printed so far.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestTriggerSendsOneSignedEvent(t *testing.T) {
	secret := base64.StdEncoding.EncodeToString([]byte("trigger test secret, 32 bytes!!!"))
	key, _ := base64.StdEncoding.DecodeString(secret)
	var got struct {
		sig, ts string
		body    []byte
	}
	status := http.StatusOK
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.body, _ = io.ReadAll(r.Body)
		got.sig, got.ts = r.Header.Get("X-Webhook-Signature"), r.Header.Get("X-Webhook-Timestamp")
		w.WriteHeader(status)
		io.WriteString(w, `{"received":true}`)
	}))
	defer consumer.Close()

	code, out, errOut := run(t, "", "trigger", "calltransfer.initiated", "--to", consumer.URL, "--secret", secret, "--seed", "9", "--set", "payload.room=sales")
	if code != cmd.ExitOK {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	if !strings.Contains(out, "200 OK") || !strings.Contains(out, `{"received":true}`) {
		t.Errorf("output: %s", out)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(got.ts + "." + string(got.body)))
	if want := base64.StdEncoding.EncodeToString(m.Sum(nil)); got.sig != want {
		t.Errorf("signature %q, independent HMAC %q", got.sig, want)
	}
	var ev map[string]any
	if err := json.Unmarshal(got.body, &ev); err != nil || ev["payload"].(map[string]any)["room"] != "sales" {
		t.Errorf("body %s (%v)", got.body, err)
	}

	status = http.StatusInternalServerError
	if code, out, _ := run(t, "", "trigger", "calltransfer.initiated", "--to", consumer.URL, "--secret", secret); code != cmd.ExitFailed || !strings.Contains(out, "500") {
		t.Errorf("a 500 gave exit %d: %s", code, out)
	}
	for _, args := range [][]string{
		{"trigger", "calltransfer.initiated"},
		{"trigger", "calltransfer.initiated", "--to", consumer.URL, "--secret", "not base64!"},
		{"trigger", "calltransfer.nope", "--to", consumer.URL},
	} {
		if code, _, _ := run(t, "", args...); code != cmd.ExitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, out, _ := run(t, "", "trigger", "calltransfer.initiated", "--to", "http://127.0.0.1:1/nothing"); code != cmd.ExitFailed || !strings.Contains(out, "no answer") {
		t.Errorf("unreachable: exit %d: %s", code, out)
	}
}

func TestServeRunsUntilCancelled(t *testing.T) {
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer consumer.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- cmd.RunWithInput(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--clock", "virtual", "--seed", "5", "--log-format", "json"}, strings.NewReader(""), &out, &errOut)
	}()
	var base string
	ready := regexp.MustCompile(`ready on (http://\S+)`)
	for deadline := time.Now().Add(10 * time.Second); base == ""; {
		if m := ready.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no ready line; stdout %q stderr %q", out.String(), errOut.String())
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if !strings.Contains(out.String(), "seed 5; virtual clock") {
		t.Errorf("ready line: %s", out.String())
	}
	post := func(path, body string) (int, string) {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer x")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := post("/v1/webhooks", `{"url": "`+consumer.URL+`"}`); code != 200 {
		t.Fatalf("create: %d %s", code, body)
	}
	if code, body := post("/_mock/events", `{"type": "calltransfer.answered", "seed": 1, "set": {"payload.room": "sales"}}`); code != 200 || !strings.Contains(body, `\"room\":\"sales\"`) && !strings.Contains(body, `"room":"sales"`) {
		t.Fatalf("trigger: %d %s", code, body)
	}
	if code, body := post("/_mock/clock/advance", `{"by": "15m"}`); code != 200 || !strings.Contains(body, `"advancedBy":"15m0s"`) {
		t.Fatalf("advance: %d %s", code, body)
	}
	resp, err := http.Get(base + "/_mock/deliveries?type=calltransfer.answered")
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Deliveries []struct{ Status string } `json:"deliveries"`
	}
	json.NewDecoder(resp.Body).Decode(&log)
	resp.Body.Close()
	if len(log.Deliveries) != 1 {
		t.Fatalf("deliveries: %+v", log)
	}
	cancel()
	select {
	case code := <-done:
		if code != cmd.ExitOK {
			t.Fatalf("serve exited %d: %s", code, errOut.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(errOut.String(), `"msg":"webhook created"`) {
		t.Errorf("json logs: %s", errOut.String())
	}
}

func TestServeRejectsBadConfig(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"addr: 127.0.0.1:0\nprobe:\n  timout: 5s\n", `:3:3: probe: unknown key "timout" (did you mean "timeout"?); valid keys: timeout, signed`},
		{"delivry:\n  workers: 2\n", `:1:1: unknown key "delivry" (did you mean "delivery"?); valid keys: addr, spec,`},
		{"delivery:\n  timeout: soon\n", `:2:12: delivery.timeout: "soon" is not a duration`},
		{"clock: sundial\n", "clock: \"sundial\" is not real or virtual"},
	} {
		path := writeFile(t, "hookmock.yaml", c.yaml)
		code, _, errOut := run(t, "", "serve", "--config", path)
		if code != cmd.ExitUsage || !strings.Contains(errOut, path) || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stderr %q", c.yaml, code, errOut)
		}
	}
}
