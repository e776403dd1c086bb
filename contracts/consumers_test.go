package contracts_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/spec"
)

// secret is the fixtures' base64 hmac, as a consumer team would configure it.
const secret = "aG9va21vY2stY29udHJhY3RzLXRlc3Qtc2VjcmV0LTMyYg=="

// fixture is a real webhook consumer on loopback, correct by default, with
// switches that break it in exactly one way each. It checks signatures with
// its own crypto/hmac code, as a consumer would, and validates bodies with
// the provider contract's schemas.
type fixture struct {
	spec *spec.Spec
	// rejectInvalid answers schema-violating events 400; else 200 (parked).
	rejectInvalid bool
	// crashInvalid answers them 500, as a consumer that throws on them.
	crashInvalid bool
	// ack is the body of a 200 to an event.
	ack string

	// standard checks Standard Webhooks signatures instead of Daily's.
	standard bool
	// basicAuth, when set, is the Authorization: Basic value required.
	basicAuth string

	// noReplayWindow checks signatures exactly as Daily documents them,
	// with no window on the timestamp.
	noReplayWindow bool

	// The ways to break it.
	noSignatureCheck  bool
	slow              time.Duration // processing time before answering a valid event
	failUnknownFields bool
	processTwice      bool
	probe404          bool
	failOutOfOrder    bool

	mu        sync.Mutex
	processed map[string]int
	stages    map[string]int
}

// dailyStages orders Daily's lifecycle for the out-of-order switch.
var dailyStages = map[string]int{"calltransfer.triggered": 0, "calltransfer.initiated": 1, "calltransfer.answered": 2, "calltransfer.completed": 3}

// start serves the fixture: the webhook at /hook and its idempotency
// probe at /processed?id=.
func (f *fixture) start() *httptest.Server {
	if f.spec == nil {
		s, err := spec.Default()
		Expect(err).NotTo(HaveOccurred())
		f.spec = s
	}
	f.processed, f.stages = map[string]int{}, map[string]int{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /hook", f.hook)
	mux.HandleFunc("GET /processed", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		fmt.Fprint(w, f.processed[r.URL.Query().Get("id")])
	})
	srv := httptest.NewServer(mux)
	DeferCleanup(srv.Close)
	return srv
}

func (f *fixture) hook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if bytes.Equal(body, []byte(`{"test":"test"}`)) {
		if f.probe404 {
			http.Error(w, "unknown event", http.StatusNotFound)
			return
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	if f.basicAuth != "" && r.Header.Get("Authorization") != "Basic "+f.basicAuth {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if !f.noSignatureCheck {
		check := checkSignature
		if f.standard {
			check = checkStandardSignature
		}
		now := time.Now()
		if f.noReplayWindow {
			now = time.Time{}
		}
		if why := check(r.Header, body, now); why != "" {
			http.Error(w, why, http.StatusUnauthorized)
			return
		}
	}
	v, err := spec.DecodeJSON(body)
	if err != nil {
		f.invalid(w, "malformed JSON")
		return
	}
	obj, _ := v.(map[string]any)
	typ, _ := obj["type"].(string)
	e, ok := f.spec.EventByType(typ)
	if !ok {
		f.invalid(w, "unknown type "+typ)
		return
	}
	if vs := e.ValidateValue(v); len(vs) > 0 {
		f.invalid(w, vs[0].String())
		return
	}
	if f.failUnknownFields && len(e.ValidateValue(v, spec.Strict())) > 0 {
		http.Error(w, "panic: unknown field", http.StatusInternalServerError)
		return
	}
	if f.slow > 0 {
		select {
		case <-time.After(f.slow):
		case <-r.Context().Done():
			return
		}
	}
	if !f.apply(obj, typ) {
		http.Error(w, "illegal transition", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, f.ack)
}

func (f *fixture) invalid(w http.ResponseWriter, why string) {
	if f.crashInvalid {
		http.Error(w, "TypeError: "+why, http.StatusInternalServerError)
		return
	}
	if f.rejectInvalid {
		http.Error(w, why, http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// apply processes an event once per id (twice with processTwice), and
// with failOutOfOrder refuses a stage that comes after a later one.
func (f *fixture) apply(obj map[string]any, typ string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, _ := obj["id"].(string)
	if f.processed[id] > 0 && !f.processTwice {
		return true
	}
	if stage, ok := dailyStages[typ]; ok && f.failOutOfOrder {
		payload, _ := obj["payload"].(map[string]any)
		session, _ := payload["session_id"].(string)
		if prev, seen := f.stages[session]; seen && prev > stage {
			return false
		}
		f.stages[session] = max(f.stages[session], stage)
	}
	f.processed[id]++
	return true
}

// checkSignature is Daily's scheme computed independently of hookmock:
// base64(HMAC-SHA256(base64-decode(secret), timestamp + "." + body)),
// with a five-minute replay window.
func checkSignature(h http.Header, body []byte, now time.Time) string {
	ts, sig := h.Get("X-Webhook-Timestamp"), h.Get("X-Webhook-Signature")
	return checkHMAC(sig, ts, ts+".", "", body, now)
}

// checkStandardSignature is Standard Webhooks v1, computed independently:
// webhook-signature "v1,<base64(HMAC-SHA256(key, id.timestamp.body))>".
func checkStandardSignature(h http.Header, body []byte, now time.Time) string {
	id, ts, sig := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" {
		return "missing signature"
	}
	return checkHMAC(sig, ts, id+"."+ts+".", "v1,", body, now)
}

// checkHMAC compares sig with prefix + base64(HMAC-SHA256(key, signed + body))
// after checking that ts is within five minutes of now (a zero now checks
// no window).
func checkHMAC(sig, ts, signed, prefix string, body []byte, now time.Time) string {
	if ts == "" || sig == "" {
		return "missing signature"
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || (!now.IsZero() && now.Sub(time.Unix(sec, 0)).Abs() > 5*time.Minute) {
		return "stale timestamp"
	}
	key, _ := base64.StdEncoding.DecodeString(secret)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(signed))
	m.Write(body)
	if !hmac.Equal([]byte(sig), []byte(prefix+base64.StdEncoding.EncodeToString(m.Sum(nil)))) {
		return "bad signature"
	}
	return ""
}

// jsonOf renders a value for failure messages.
func jsonOf(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func mustDaily() *spec.Spec {
	s, err := spec.Default()
	Expect(err).NotTo(HaveOccurred())
	return s
}
