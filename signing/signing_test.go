package signing_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookmock/hookmock/internal/corpus"
	"github.com/hookmock/hookmock/signing"
)

// independentDaily recomputes Daily's signature with nothing but the
// standard library, so the test does not trust the code under test.
func independentDaily(secretB64, ts string, body []byte) string {
	key, _ := base64.StdEncoding.DecodeString(secretB64)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(ts + "." + string(body)))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func TestDailySignatureMatchesIndependentHMAC(t *testing.T) {
	secret := base64.StdEncoding.EncodeToString([]byte("a 32-byte secret for hookmock!!!"))
	body := []byte(`{"version":"1.0.0","type":"calltransfer.triggered"}`)
	s, err := signing.New(signing.Daily, secret)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	at := time.Unix(1770005095, 0)
	s.Sign(h, "ignored", at, body)
	if got := h.Get("X-Webhook-Timestamp"); got != "1770005095" {
		t.Fatalf("timestamp %q", got)
	}
	if got, want := h.Get("X-Webhook-Signature"), independentDaily(secret, "1770005095", body); got != want {
		t.Fatalf("signature %q, independent HMAC %q", got, want)
	}
	if err := signing.Verify(signing.Daily, secret, h, body, at, signing.DefaultTolerance); err != nil {
		t.Fatal(err)
	}
	if err := signing.Verify(signing.Daily, secret, h, append(body, ' '), at, signing.DefaultTolerance); err == nil {
		t.Fatal("a changed body verified")
	}
}

func TestBadSecrets(t *testing.T) {
	for _, c := range []struct {
		scheme signing.Scheme
		secret string
	}{{signing.Daily, "not base64!"}, {signing.Daily, ""}, {signing.Standard, "whsec_%%%"}, {signing.Standard, "whsec_"}, {"hex", "x"}} {
		if _, err := signing.New(c.scheme, c.secret); err == nil {
			t.Errorf("%s %q: no error", c.scheme, c.secret)
		}
	}
}

type vectors struct {
	Sign []struct {
		Secret            string `json:"secret"`
		ID                string `json:"msg_id"`
		Timestamp         int64  `json:"timestamp"`
		Payload           string `json:"payload"`
		ExpectedSignature string `json:"expected_signature"`
	} `json:"sign"`
	Verify []struct {
		Name    string            `json:"name"`
		Now     int64             `json:"now"`
		Secret  string            `json:"secret"`
		Payload string            `json:"payload"`
		Headers map[string]string `json:"headers"`
		Expect  string            `json:"expect"`
	} `json:"verify"`
}

func TestStandardWebhooksVectors(t *testing.T) {
	dir := corpus.Dir(t)
	data, err := os.ReadFile(filepath.Join(dir, "standard-webhooks", "test-vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Sign) == 0 || len(v.Verify) < 15 {
		t.Fatalf("vectors look truncated: %d sign, %d verify", len(v.Sign), len(v.Verify))
	}
	for _, c := range v.Sign {
		s, err := signing.New(signing.Standard, c.Secret)
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{}
		s.Sign(h, c.ID, time.Unix(c.Timestamp, 0), []byte(c.Payload))
		if got := h.Get("webhook-signature"); got != c.ExpectedSignature {
			t.Errorf("sign: got %q, want %q", got, c.ExpectedSignature)
		}
		if h.Get("webhook-id") != c.ID || h.Get("webhook-timestamp") != "1614265330" {
			t.Errorf("sign headers: %v", h)
		}
	}
	for _, c := range v.Verify {
		t.Run(c.Name, func(t *testing.T) {
			h := http.Header{}
			for k, val := range c.Headers {
				h.Set(k, val)
			}
			err := signing.Verify(signing.Standard, c.Secret, h, []byte(c.Payload), time.Unix(c.Now, 0), signing.DefaultTolerance)
			if got := map[bool]string{true: "valid", false: "invalid"}[err == nil]; got != c.Expect {
				t.Errorf("got %s (%v), want %s", got, err, c.Expect)
			}
		})
	}
}

// One signer signs for every worker at once (the provider keeps one per
// webhook): each signature is checked by an independent HMAC, so a pooled
// state shared between two signings would show as a wrong one.
func TestSignerIsSafeForConcurrentUse(t *testing.T) {
	secret := base64.StdEncoding.EncodeToString([]byte("a 32-byte secret for hookmock!!!"))
	key, _ := base64.StdEncoding.DecodeString(secret)
	daily, _ := signing.New(signing.Daily, secret)
	standard, _ := signing.New(signing.Standard, "whsec_"+secret)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				body := []byte(strings.Repeat("b", g*100+i))
				at := time.Unix(1770005095+int64(i), 0)
				ts := strconv.FormatInt(at.Unix(), 10)
				id := "msg_" + strconv.Itoa(g) + "_" + strconv.Itoa(i)
				h := http.Header{}
				daily.Sign(h, id, at, body)
				if got, want := h.Get("X-Webhook-Signature"), independentDaily(secret, ts, body); got != want || h.Get("X-Webhook-Timestamp") != ts {
					t.Errorf("daily %d/%d: %q at %q, want %q at %s", g, i, got, h.Get("X-Webhook-Timestamp"), want, ts)
					return
				}
				standard.Sign(h, id, at, body)
				m := hmac.New(sha256.New, key)
				m.Write([]byte(id + "." + ts + "." + string(body)))
				if got, want := h.Get("webhook-signature"), "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)); got != want || h.Get("webhook-id") != id {
					t.Errorf("standard %d/%d: %q (id %q), want %q (id %q)", g, i, got, h.Get("webhook-id"), want, id)
					return
				}
			}
		})
	}
	wg.Wait()
}

// Sign replaces what a header held, and the values it writes do not
// share room: appending to one leaves the others as they were.
func TestSignReplacesAndValuesAreIndependent(t *testing.T) {
	secret := base64.StdEncoding.EncodeToString([]byte("a 32-byte secret for hookmock!!!"))
	s, _ := signing.New(signing.Standard, "whsec_"+secret)
	h := http.Header{}
	h.Set("Webhook-Signature", "v1,stale")
	h.Set("Webhook-Id", "old")
	at := time.Unix(1770005095, 0)
	s.Sign(h, "msg_1", at, []byte(`{}`))
	if len(h.Values("Webhook-Signature")) != 1 || h.Get("Webhook-Id") != "msg_1" || len(h) != 3 {
		t.Fatalf("headers after signing over old values: %v", h)
	}
	sig, ts := h.Get("Webhook-Signature"), h.Get("Webhook-Timestamp")
	h["Webhook-Timestamp"] = append(h["Webhook-Timestamp"], "extra")
	h["Webhook-Signature"][0] += "!"
	if h.Get("Webhook-Id") != "msg_1" || h.Values("Webhook-Timestamp")[0] != ts || h.Get("Webhook-Signature") != sig+"!" {
		t.Fatalf("one value's change reached another: %v", h)
	}
	if err := signing.Verify(signing.Standard, "whsec_"+secret, http.Header{"Webhook-Id": {"msg_1"}, "Webhook-Timestamp": {ts}, "Webhook-Signature": {sig}}, []byte(`{}`), at, 0); err != nil {
		t.Fatal(err)
	}
}

func TestWritesTheBuiltInSchemesHeaders(t *testing.T) {
	for scheme, names := range map[signing.Scheme][]string{
		signing.Daily:    {"x-webhook-signature", "X-Webhook-Timestamp"},
		signing.Standard: {"webhook-id", "Webhook-Timestamp", "WEBHOOK-SIGNATURE"},
	} {
		for _, n := range names {
			if !signing.Writes(scheme, nil, n) {
				t.Errorf("%s: Writes(%s) is false", scheme, n)
			}
		}
		if signing.Writes(scheme, nil, "X-Hub-Signature-256") {
			t.Errorf("%s writes GitHub's header", scheme)
		}
	}
	if signing.Writes(signing.HMAC, &signing.Params{}, "") || signing.Writes("nope", nil, "X-Webhook-Signature") {
		t.Error("a scheme that does not resolve writes something")
	}
}
