package signing_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
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
