package mockserver_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookmock/hookmock/internal/corpus"
	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/spec"
)

type gotRequest struct {
	h    http.Header
	body []byte
}

// TestGitHubSpecDeliveriesCarryDeclaredHeaders serves GitHub's 3.1
// document: a `push` delivery carries X-GitHub-Event: push, a
// X-GitHub-Delivery unique per delivery and the same on a retry, an
// X-Hub-Signature-256 an independent HMAC accepts, GitHub's User-Agent
// and every other header the operation declares.
func TestGitHubSpecDeliveriesCarryDeclaredHeaders(t *testing.T) {
	s, err := spec.LoadFile(filepath.Join(corpus.Dir(t), "github", "api.github.com.webhooks.openapi-3.1.json"))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []gotRequest
	failedOnce := false
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if bytes.Equal(body, []byte(`{"test":"test"}`)) {
			return // the verification probe
		}
		got = append(got, gotRequest{r.Header.Clone(), body})
		if !failedOnce {
			failedOnce = true
			w.WriteHeader(http.StatusInternalServerError) // the first delivery is retried
		}
	}))
	defer consumer.Close()
	srv, err := mockserver.New(mockserver.Options{Spec: s, Seed: 17, APIKey: "k", Exponential: mockserver.Backoff{Base: 10 * time.Millisecond, Cap: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	reqBody, _ := json.Marshal(map[string]any{"url": consumer.URL, "retryType": "exponential"})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/webhooks", bytes.NewReader(reqBody))
	req.Header.Set("Authorization", "Bearer k")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var hook struct {
		HMAC    string `json:"hmac"`
		Signing string `json:"signing"`
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := json.Unmarshal(raw, &hook); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("create webhook: %d %s", resp.StatusCode, raw)
	}
	if hook.Signing != "github" {
		t.Errorf("a webhook on GitHub's document signs with %q; its declared X-Hub-Signature-256 implies github", hook.Signing)
	}
	ctx := context.Background()
	for range 2 {
		if _, err := srv.Trigger(ctx, "push"); err != nil {
			t.Fatal(err)
		}
	}
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := srv.Settle(sctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("consumer got %d deliveries, want 2 events and one retry", len(got))
	}
	t.Logf("first delivery's headers: %v", got[0].h)
	push, _ := s.Event("push")
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	ids := map[string]int{}
	for i, r := range got {
		if ev := r.h.Get("X-GitHub-Event"); ev != "push" {
			t.Errorf("delivery %d: X-GitHub-Event %q", i, ev)
		}
		id := r.h.Get("X-GitHub-Delivery")
		if !uuid.MatchString(id) {
			t.Errorf("delivery %d: X-GitHub-Delivery %q is not a UUID", i, id)
		}
		ids[id]++
		m := hmac.New(sha256.New, []byte(hook.HMAC))
		m.Write(r.body)
		if want := "sha256=" + hex.EncodeToString(m.Sum(nil)); r.h.Get("X-Hub-Signature-256") != want {
			t.Errorf("delivery %d: X-Hub-Signature-256 %q, independent HMAC %q", i, r.h.Get("X-Hub-Signature-256"), want)
		}
		if ua := r.h.Get("User-Agent"); !strings.HasPrefix(ua, "GitHub-Hookshot/") {
			t.Errorf("delivery %d: User-Agent %q", i, ua)
		}
		for _, d := range push.Headers {
			if r.h.Get(d.Name) == "" {
				t.Errorf("delivery %d: declared header %s missing", i, d.Name)
			}
		}
		if r.h.Get("X-Webhook-Signature") != "" {
			t.Errorf("delivery %d: Daily's signature header on a GitHub delivery", i)
		}
	}
	// The retry repeats its delivery's id; the other delivery has its own.
	if len(ids) != 2 || got[0].h.Get("X-GitHub-Delivery") != got[1].h.Get("X-GitHub-Delivery") && got[0].h.Get("X-GitHub-Delivery") != got[2].h.Get("X-GitHub-Delivery") {
		t.Errorf("delivery ids %v: want two distinct, one of them twice (the retry)", ids)
	}
}
