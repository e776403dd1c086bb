package mockserver_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
)

// The generic hmac scheme, configured in hookmock.yaml, signs deliveries
// an independent computation accepts; the missing-signature and
// bad-signature faults apply to it as to every scheme.
func TestHMACSchemeFromConfig(t *testing.T) {
	cfgPath := filepath.Join(t.TempDir(), "hookmock.yaml")
	cfgText := `webhooks:
  signing: hmac
  signingParams:
    header: X-Acme-Signature
    algorithm: sha512
    encoding: base64
    prefix: "v1="
    signed: timestamp+body
    timestampHeader: X-Acme-Timestamp
    separator: ":"
delivery:
  userAgent: Acme-Webhooks/2.0
`
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := mockserver.LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	var opts mockserver.Options
	cfg.Apply(&opts)
	opts.APIKey, opts.Seed = "k", 5
	var mu sync.Mutex
	var got []gotRequest
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if !bytes.Equal(body, []byte(`{"test":"test"}`)) {
			got = append(got, gotRequest{r.Header.Clone(), body})
		}
	}))
	defer consumer.Close()
	srv, err := mockserver.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	reqBody, _ := json.Marshal(map[string]any{"url": consumer.URL})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/webhooks", bytes.NewReader(reqBody))
	req.Header.Set("Authorization", "Bearer k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var hook struct{ HMAC, Signing string }
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := json.Unmarshal(raw, &hook); err != nil || hook.Signing != "hmac" {
		t.Fatalf("create webhook: %s", raw)
	}
	ctx := context.Background()
	for _, faults := range []string{"", "missing-signature", "bad-signature"} {
		fs, err := wire.ParseFaults(faults)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.Trigger(ctx, "calltransfer.triggered", mockserver.WithFaults(fs...)); err != nil {
			t.Fatal(err)
		}
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err = srv.Settle(sctx)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("%d deliveries", len(got))
	}
	independent := func(r gotRequest) string {
		m := hmac.New(sha512.New, []byte(hook.HMAC))
		m.Write([]byte(r.h.Get("X-Acme-Timestamp") + ":" + string(r.body)))
		return "v1=" + base64.StdEncoding.EncodeToString(m.Sum(nil))
	}
	params := opts.SigningParams
	check := func(i int, r gotRequest) error {
		return signing.VerifyWith(signing.HMAC, params, hook.HMAC, r.h, r.body, time.Now(), signing.DefaultTolerance)
	}
	if sig := got[0].h.Get("X-Acme-Signature"); sig == "" || sig != independent(got[0]) || check(0, got[0]) != nil {
		t.Errorf("clean delivery: %q, independent %q, verify %v", sig, independent(got[0]), check(0, got[0]))
	}
	if ua := got[0].h.Get("User-Agent"); ua != "Acme-Webhooks/2.0" {
		t.Errorf("User-Agent %q, the setting says Acme-Webhooks/2.0", ua)
	}
	if got[1].h.Get("X-Acme-Signature") != "" || got[1].h.Get("X-Acme-Timestamp") != "" {
		t.Errorf("missing-signature sent %v", got[1].h)
	}
	if sig := got[2].h.Get("X-Acme-Signature"); sig == "" || sig == independent(got[2]) {
		t.Errorf("bad-signature sent a good one: %q", sig)
	}
}

// Each webhook may choose its scheme through the management API's
// `signing`; deliveries then verify under an independent computation of
// that provider's scheme.
func TestSigningPerWebhook(t *testing.T) {
	var mu sync.Mutex
	got := map[string]gotRequest{}
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if !bytes.Equal(body, []byte(`{"test":"test"}`)) {
			got[r.URL.Path] = gotRequest{r.Header.Clone(), body}
		}
	}))
	defer consumer.Close()
	srv, err := mockserver.New(mockserver.Options{APIKey: "k", Seed: 9, AllowMultipleWebhooks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	secrets := map[string]string{}
	for _, scheme := range []string{"github", "stripe", "shopify"} {
		reqBody, _ := json.Marshal(map[string]any{"url": consumer.URL + "/" + scheme, "signing": scheme})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/webhooks", bytes.NewReader(reqBody))
		req.Header.Set("Authorization", "Bearer k")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var hook struct{ HMAC, Signing string }
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err := json.Unmarshal(raw, &hook); err != nil || hook.Signing != scheme {
			t.Fatalf("create %s webhook: %s", scheme, raw)
		}
		secrets[scheme] = hook.HMAC
	}
	ctx := context.Background()
	if _, err := srv.Trigger(ctx, "calltransfer.triggered"); err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := srv.Settle(sctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	mac := func(key string, parts ...string) []byte {
		m := hmac.New(sha256.New, []byte(key))
		for _, p := range parts {
			m.Write([]byte(p))
		}
		return m.Sum(nil)
	}
	gh := got["/github"]
	if want := "sha256=" + hex.EncodeToString(mac(secrets["github"], string(gh.body))); gh.h.Get("X-Hub-Signature-256") != want {
		t.Errorf("github: %q, independent %q", gh.h.Get("X-Hub-Signature-256"), want)
	}
	st := got["/stripe"]
	ts, _, _ := strings.Cut(strings.TrimPrefix(st.h.Get("Stripe-Signature"), "t="), ",")
	if want := "t=" + ts + ",v1=" + hex.EncodeToString(mac(secrets["stripe"], ts, ".", string(st.body))); st.h.Get("Stripe-Signature") != want || ts == "" {
		t.Errorf("stripe: %q, independent %q", st.h.Get("Stripe-Signature"), want)
	}
	sh := got["/shopify"]
	if want := base64.StdEncoding.EncodeToString(mac(secrets["shopify"], string(sh.body))); sh.h.Get("X-Shopify-Hmac-Sha256") != want {
		t.Errorf("shopify: %q, independent %q", sh.h.Get("X-Shopify-Hmac-Sha256"), want)
	}
	for path, r := range got {
		if r.h.Get("X-Webhook-Signature") != "" {
			t.Errorf("%s: Daily's signature header too", path)
		}
	}
}
