package cmd_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

const scenarioSecret = "c2VjcmV0LWZvci1zY2VuYXJpby10ZXN0cw=="

// hookConsumer records what it receives and checks Daily's signature with
// its own HMAC; strict consumers answer 401 to a bad one.
type hookConsumer struct {
	*httptest.Server
	mu     sync.Mutex
	got    []gotEvent
	strict bool
}

type gotEvent struct {
	Type, ID, Room, Session string
	SignedOK                bool
	Body                    string
}

func newHookConsumer(t *testing.T, strict bool) *hookConsumer {
	c := &hookConsumer{strict: strict}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		key, _ := base64.StdEncoding.DecodeString(scenarioSecret)
		m := hmac.New(sha256.New, key)
		m.Write([]byte(r.Header.Get("X-Webhook-Timestamp") + "."))
		m.Write(body)
		ok := base64.StdEncoding.EncodeToString(m.Sum(nil)) == r.Header.Get("X-Webhook-Signature")
		var ev struct {
			Type    string `json:"type"`
			ID      string `json:"id"`
			Payload struct {
				Room    string `json:"room"`
				Session string `json:"session_id"`
			} `json:"payload"`
		}
		_ = json.Unmarshal(body, &ev)
		c.mu.Lock()
		c.got = append(c.got, gotEvent{Type: ev.Type, ID: ev.ID, Room: ev.Payload.Room, Session: ev.Payload.Session, SignedOK: ok, Body: string(body)})
		c.mu.Unlock()
		if strict && !ok {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *hookConsumer) events() []gotEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]gotEvent(nil), c.got...)
}

func typeList(evs []gotEvent) string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return strings.Join(out, " ")
}

func TestScenarioList(t *testing.T) {
	code, out, errs := run(t, "", "scenario", "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"sip-call-transfer        sipCallTransfer to a SIP endpoint", "sip-refer", "referEmitsAnswered=false", "pstn-transfer",
		"meeting                  meeting.started", "waiting-room", "batch-processor"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	code, out, _ = run(t, "", "scenario", "show", "sip-refer")
	if code != 0 || !strings.Contains(out, "referEmitsAnswered: false") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestScenarioRunPlaysAtAConsumer(t *testing.T) {
	c := newHookConsumer(t, true)
	code, out, errs := run(t, "", "scenario", "run", "sip-refer", "--to", c.URL, "--secret", scenarioSecret, "--speed", "instant", "--seed", "5",
		"--var", "room=support-escalation", "--var", "withJoin=false")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	evs := c.events()
	if got := typeList(evs); got != "calltransfer.triggered calltransfer.initiated participant.left dialin.stopped" {
		t.Fatalf("got %s", got)
	}
	for _, e := range evs {
		if !e.SignedOK || e.Room != "support-escalation" || e.Session != evs[0].Session {
			t.Errorf("%+v", e)
		}
	}
	if !strings.Contains(out, "sip-refer: 4 events sent (4 requests), 0 unexpected answers; seed 5") {
		t.Errorf("stdout:\n%s", out)
	}

	// The same seed replays the same sequence and call (on the real clock
	// only the timestamps move).
	c2 := newHookConsumer(t, true)
	if code, out, errs := run(t, "", "scenario", "run", "sip-refer", "--to", c2.URL, "--secret", scenarioSecret, "--speed", "instant", "--seed", "5",
		"--var", "room=support-escalation", "--var", "withJoin=false"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	again := c2.events()
	for i := range evs {
		if again[i].Type != evs[i].Type || again[i].Session != evs[i].Session {
			t.Errorf("event %d: %+v vs %+v", i, again[i], evs[i])
		}
	}

	c3 := newHookConsumer(t, true)
	if code, _, errs := run(t, "", "scenario", "run", "sip-refer", "--to", c3.URL, "--secret", scenarioSecret, "--speed", "instant",
		"--var", "referEmitsAnswered=true", "--var", "withJoin=false"); code != 0 || !strings.HasPrefix(errs, "seed: ") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if n := len(c3.events()); n != 6 {
		t.Fatalf("referEmitsAnswered=true sent %d events, want 6", n)
	}
}

func TestScenarioRunFaults(t *testing.T) {
	t.Run("dup sends each event twice with the same id", func(t *testing.T) {
		c := newHookConsumer(t, true)
		code, out, errs := run(t, "", "scenario", "run", "sip-refer", "--to", c.URL, "--secret", scenarioSecret, "--speed", "instant", "--seed", "1", "--faults", "dup", "--var", "withJoin=false")
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
		evs := c.events()
		if len(evs) != 8 {
			t.Fatalf("%d requests", len(evs))
		}
		for i := 0; i < 8; i += 2 {
			if evs[i].ID != evs[i+1].ID || evs[i].Body != evs[i+1].Body {
				t.Errorf("request %d and %d differ", i, i+1)
			}
		}
	})
	t.Run("reorder swaps each event with the next", func(t *testing.T) {
		c := newHookConsumer(t, true)
		if code, out, errs := run(t, "", "scenario", "run", "sip-refer", "--to", c.URL, "--secret", scenarioSecret, "--speed", "instant", "--seed", "1", "--faults", "reorder", "--var", "withJoin=false"); code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
		if got := typeList(c.events()); got != "calltransfer.initiated calltransfer.triggered dialin.stopped participant.left" {
			t.Fatalf("got %s", got)
		}
	})
	t.Run("badsig is rejected by a strict consumer: exit 0", func(t *testing.T) {
		c := newHookConsumer(t, true)
		code, out, errs := run(t, "", "scenario", "run", "sip-refer", "--to", c.URL, "--secret", scenarioSecret, "--speed", "instant", "--seed", "1", "--faults", "badsig")
		if code != 0 || !strings.Contains(out, "401 Unauthorized") || !strings.Contains(out, "ok: rejected") {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
		for _, e := range c.events() {
			if e.SignedOK {
				t.Errorf("%s arrived with a good signature", e.Type)
			}
		}
	})
	t.Run("badsig accepted by a lax consumer: exit 1", func(t *testing.T) {
		c := newHookConsumer(t, false)
		code, out, _ := run(t, "", "scenario", "run", "sip-refer", "--to", c.URL, "--secret", scenarioSecret, "--speed", "instant", "--seed", "1", "--faults", "badsig")
		if code != 1 || !strings.Contains(out, "unexpected: accepted an event it should reject") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	t.Run("a malformed body is signed as sent", func(t *testing.T) {
		c := newHookConsumer(t, false)
		run(t, "", "scenario", "run", "sip-refer", "--to", c.URL, "--secret", scenarioSecret, "--speed", "instant", "--seed", "1", "--faults", "malformed")
		for _, e := range c.events() {
			if json.Valid([]byte(e.Body)) || !e.SignedOK {
				t.Errorf("valid=%v signed=%v: %s", json.Valid([]byte(e.Body)), e.SignedOK, e.Body)
			}
		}
	})
}

func TestScenarioErrors(t *testing.T) {
	bad := writeFile(t, "bad.yaml", "name: bad\ndescription: d\nsteps:\n  - event: calltransfer.triggered\n    after: 3 sec\n")
	code, _, errs := run(t, "", "scenario", "run", bad, "--to", "http://127.0.0.1:1", "--speed", "instant")
	if code != 2 || !strings.Contains(errs, bad+`:5:12: steps[0].after: "3 sec" is not a duration`) {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, out, _ := run(t, "", "scenario", "check", bad)
	if code != 1 || !strings.Contains(out, bad+":5:12:") {
		t.Fatalf("check: exit %d: %s", code, out)
	}
	good := writeFile(t, "good.yaml", "name: good\ndescription: d\nsteps:\n  - event: calltransfer.triggered\n")
	if code, out, _ := run(t, "", "scenario", "check", good); code != 0 || !strings.Contains(out, "ok (good: 1 steps") {
		t.Fatalf("check: exit %d: %s", code, out)
	}
	for _, args := range [][]string{
		{"scenario", "run", "sip-refer"},
		{"scenario", "run", "sip-refer", "--to", "http://x", "--speed", "fast"},
		{"scenario", "run", "sip-refer", "--to", "http://x", "--faults", "wobble"},
		{"scenario", "run", "sip-refer", "--to", "http://x", "--var", "sessionId=abc"},
		{"scenario", "run", "nope", "--to", "http://x"},
	} {
		if code, _, errs := run(t, "", args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d %q", args, code, errs)
		}
	}
}
