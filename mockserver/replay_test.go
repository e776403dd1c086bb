package mockserver_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
)

const testSecret = "dGVzdCBzZWNyZXQgZm9yIHJlcGxheSwgMzIgYnl0ZXMh" // base64, as Daily's hmac

// checkingConsumer accepts only requests whose Daily signature an
// independent HMAC computation accepts, with a timestamp within 5 minutes
// of now (by now()), and records them.
type checkingConsumer struct {
	*httptest.Server
	mu       sync.Mutex
	accepted []http.Header
	bodies   []string
	refused  int
}

func newCheckingConsumer(t *testing.T, now func() time.Time) *checkingConsumer {
	key, err := base64.StdEncoding.DecodeString(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	c := &checkingConsumer{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if string(body) == `{"test":"test"}` {
			return
		}
		ts := r.Header.Get("X-Webhook-Timestamp")
		m := hmac.New(sha256.New, key)
		m.Write([]byte(ts + "." + string(body)))
		want := base64.StdEncoding.EncodeToString(m.Sum(nil))
		sec, _ := strconv.ParseInt(ts, 10, 64)
		age := now().Sub(time.Unix(sec, 0))
		c.mu.Lock()
		defer c.mu.Unlock()
		if !hmac.Equal([]byte(want), []byte(r.Header.Get("X-Webhook-Signature"))) || age > 5*time.Minute || age < -5*time.Minute {
			c.refused++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		c.accepted = append(c.accepted, r.Header.Clone())
		c.bodies = append(c.bodies, string(body))
	}))
	return c
}

func (c *checkingConsumer) counts() (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.accepted), c.refused
}

func settleT(t *testing.T, srv *mockserver.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Settle(ctx); err != nil {
		t.Fatal(err)
	}
}

func call(t *testing.T, method, url, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestReplaySendsTheEventAgainFreshlySigned(t *testing.T) {
	vc := clock.NewVirtual(time.Now().Truncate(time.Second))
	consumer := newCheckingConsumer(t, vc.Now)
	defer consumer.Close()
	srv, err := mockserver.New(mockserver.Options{Clock: vc, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	postOK(t, srv.URL+"/v1/webhooks", `{"url": "`+consumer.URL+`", "hmac": "`+testSecret+`"}`)
	var trig mockserver.Triggered
	json.Unmarshal(postOK(t, srv.URL+"/_mock/events", `{"type": "meeting.started", "seed": 1}`), &trig)
	settleT(t, srv)
	vc.Advance(90 * time.Second)

	var replay mockserver.Delivery
	json.Unmarshal(postOK(t, srv.URL+"/_mock/deliveries/"+trig.Deliveries[0]+"/replay", ``), &replay)
	if replay.ReplayOf != trig.Deliveries[0] || replay.ID == trig.Deliveries[0] || replay.EventID != trig.ID {
		t.Fatalf("replay record: %+v", replay)
	}
	settleT(t, srv)
	if ok, refused := consumer.counts(); ok != 2 || refused != 0 {
		t.Fatalf("consumer accepted %d, refused %d; want the original and the replay accepted", ok, refused)
	}
	if consumer.bodies[0] != consumer.bodies[1] {
		t.Errorf("the replay sent another body:\n%s\n%s", consumer.bodies[0], consumer.bodies[1])
	}
	t0, t1 := consumer.accepted[0].Get("X-Webhook-Timestamp"), consumer.accepted[1].Get("X-Webhook-Timestamp")
	if a, _ := strconv.Atoi(t0); a+90 != func() int { b, _ := strconv.Atoi(t1); return b }() {
		t.Errorf("timestamps %s then %s; want the replay signed 90 s later", t0, t1)
	}
	d, err := srv.Delivery(context.Background(), replay.ID)
	if err != nil || d.Status != mockserver.StatusDelivered || len(d.Attempts) != 1 || d.ReplayOf != trig.Deliveries[0] {
		t.Fatalf("replay after settling: %+v %v", d, err)
	}

	// Modify-and-replay: the body is checked against the contract.
	var ev map[string]any
	json.Unmarshal(trig.Event, &ev)
	ev["payload"] = map[string]any{"room": 42}
	bad, _ := json.Marshal(map[string]any{"body": ev})
	code, body := call(t, "POST", srv.URL+"/_mock/deliveries/"+trig.Deliveries[0]+"/replay", string(bad))
	if code != 400 || !strings.Contains(string(body), "payload") {
		t.Fatalf("an invalid modified body: %d %s", code, body)
	}
	bad, _ = json.Marshal(map[string]any{"body": ev, "allowInvalid": true})
	json.Unmarshal(postOK(t, srv.URL+"/_mock/deliveries/"+trig.Deliveries[0]+"/replay", string(bad)), &replay)
	settleT(t, srv)
	if ok, _ := consumer.counts(); ok != 3 || !strings.Contains(consumer.bodies[2], `"room":42`) {
		t.Fatalf("allowInvalid replay: accepted %d, last body %s", ok, consumer.bodies[len(consumer.bodies)-1])
	}
	if code, body := call(t, "POST", srv.URL+"/_mock/deliveries/dlv_999/replay", ""); code != 404 {
		t.Errorf("replay of an unknown delivery: %d %s", code, body)
	}
}

// TestCurlReproducesAnAcceptedRequest runs the command in a shell.
func TestCurlReproducesAnAcceptedRequest(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	consumer := newCheckingConsumer(t, time.Now)
	defer consumer.Close()
	srv, err := mockserver.New(mockserver.Options{Seed: 12})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	postOK(t, srv.URL+"/v1/webhooks", `{"url": "`+consumer.URL+`", "hmac": "`+testSecret+`"}`)
	var trig mockserver.Triggered
	json.Unmarshal(postOK(t, srv.URL+"/_mock/events", `{"type": "meeting.ended", "seed": 3}`), &trig)
	settleT(t, srv)
	code, raw := call(t, "GET", srv.URL+"/_mock/deliveries/"+trig.Deliveries[0]+"/curl", "")
	cmd := strings.TrimSpace(string(raw))
	if code != 200 || !strings.HasPrefix(cmd, "curl ") {
		t.Fatalf("curl: %d %s", code, cmd)
	}
	out, err := exec.Command("sh", "-c", cmd+" -o /dev/null -w '%{http_code}'").CombinedOutput()
	if err != nil || string(out) != "200" {
		t.Fatalf("running %s\n: %v: %s", cmd, err, out)
	}
	if ok, refused := consumer.counts(); ok != 2 || refused != 0 || consumer.bodies[1] != consumer.bodies[0] {
		t.Fatalf("consumer accepted %d, refused %d", ok, refused)
	}
	// A tampered command is refused: the consumer's check is real.
	tampered := strings.Replace(cmd, `"type"`, `"type" `, 1)
	out, _ = exec.Command("sh", "-c", tampered+" -o /dev/null -w '%{http_code}'").CombinedOutput()
	if string(out) != "401" {
		t.Fatalf("a tampered body got %s", out)
	}
}
