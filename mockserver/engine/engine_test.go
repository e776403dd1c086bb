package engine_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/engine"
	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
)

// got is one request a consumer received.
type got struct {
	header http.Header
	body   []byte
}

// newEngine makes an engine from its Config alone, over a memory store,
// with one Daily-signed webhook to url: nothing of the provider is needed.
func newEngine(t *testing.T, url string, maxLive int) (*engine.Engine, engine.Webhook) {
	t.Helper()
	st := store.NewMemory(store.Options{MaxRecords: 100})
	t.Cleanup(func() { st.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hooks := engine.NewRegistry(7, true)
	if err := hooks.Attach(st, st.Shared(), log); err != nil {
		t.Fatal(err)
	}
	hook := &engine.Webhook{URL: url, RetryType: engine.RetryCircuitBreaker, State: engine.StateActive, EventTypes: []string{}, Signing: signing.Daily, CreatedAt: time.Now()}
	accept := func(int) error { return nil }
	if err := hooks.Provision(hook, accept); err != nil {
		t.Fatal(err)
	}
	h, err := hooks.Add(hook, accept)
	if err != nil {
		t.Fatal(err)
	}
	e := engine.New(engine.Config{Store: st, Owner: "test", Lease: time.Minute, Hooks: hooks, Clock: clock.Real{}, Log: log,
		Client: &http.Client{}, Workers: 2, QueueSize: 8, MaxLive: maxLive, FailureThreshold: 3,
		Exponential:     engine.Backoff{Retries: 1, Base: time.Millisecond, Cap: time.Millisecond},
		DeliveryTimeout: 5 * time.Second, ResponseBodyLimit: 1 << 10, ResponseHeaderLimit: 1 << 10})
	t.Cleanup(func() { e.Shutdown(context.Background()) })
	return e, h
}

func TestEngineAloneDeliversASignedEvent(t *testing.T) {
	received := make(chan got, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		received <- got{r.Header.Clone(), b}
	}))
	defer srv.Close()
	e, hook := newEngine(t, srv.URL, 10)
	body := []byte(`{"version":"1.0.0","type":"meeting.started","id":"ev1"}`)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ids, err := e.Enqueue(ctx, "meeting.started", "ev1", body, nil)
	if err != nil || len(ids) != 1 {
		t.Fatalf("Enqueue: %v %v", ids, err)
	}
	if err := e.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	ds := e.List(engine.Filter{})
	if len(ds) != 1 || ds[0].ID != ids[0] || ds[0].Status != wire.StatusDelivered || len(ds[0].Attempts) != 1 {
		t.Fatalf("log %+v, want delivery %s delivered in one attempt", ds, ids[0])
	}
	g := <-received
	if string(g.body) != string(body) {
		t.Fatalf("consumer got %s, want %s", g.body, body)
	}
	// Daily's signature, recomputed with the standard library alone.
	key, _ := base64.StdEncoding.DecodeString(hook.HMAC)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(g.header.Get("X-Webhook-Timestamp") + "." + string(g.body)))
	if want := base64.StdEncoding.EncodeToString(m.Sum(nil)); g.header.Get("X-Webhook-Signature") != want {
		t.Fatalf("signature %q, want %q", g.header.Get("X-Webhook-Signature"), want)
	}
}

func TestEngineRefusesPastItsLiveLimitWithATypedError(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	e, _ := newEngine(t, srv.URL, 1)
	ctx := context.Background()
	if _, err := e.Enqueue(ctx, "meeting.started", "ev1", []byte(`{}`), nil); err != nil {
		t.Fatal(err)
	}
	_, err := e.Enqueue(ctx, "meeting.started", "ev2", []byte(`{}`), nil)
	var le *engine.LiveLimitError
	if !errors.As(err, &le) || le.Live != 1 || le.Need != 1 || le.Max != 1 {
		t.Fatalf("second event past a limit of 1: %v (%#v), want a *LiveLimitError{1, 1, 1}", err, le)
	}
	if got := len(e.List(engine.Filter{})); got != 1 {
		t.Fatalf("%d deliveries recorded, want only the first event's", got)
	}
}
