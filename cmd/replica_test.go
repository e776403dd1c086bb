package cmd_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookmock/hookmock/internal/pgtest"
)

// countingConsumer counts requests per webhook path and event id; while
// hang is set it holds requests open.
type countingConsumer struct {
	*httptest.Server
	mu      sync.Mutex
	got     map[string]int // path + " " + event id
	hang    atomic.Bool
	hung    atomic.Int64
	release chan struct{}
}

func newCountingConsumer() *countingConsumer {
	c := &countingConsumer{got: map[string]int{}, release: make(chan struct{})}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev struct {
			ID   string `json:"id"`
			Test string `json:"test"`
		}
		_ = json.Unmarshal(body, &ev)
		if ev.Test == "" {
			c.mu.Lock()
			c.got[r.URL.Path+" "+ev.ID]++
			c.mu.Unlock()
			if c.hang.Load() {
				c.hung.Add(1)
				select {
				case <-c.release:
				case <-r.Context().Done():
				}
			}
		}
		w.WriteHeader(http.StatusOK)
	}))
	return c
}

func triggerMany(t *testing.T, base string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	var wg sync.WaitGroup
	var next atomic.Int64
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				status, raw := call(t, "POST", base+"/_mock/events", map[string]any{"type": "calltransfer.triggered"})
				if status != http.StatusOK && status != http.StatusAccepted {
					t.Errorf("trigger: %d %s", status, raw)
					return
				}
				var tr struct{ ID string }
				_ = json.Unmarshal(raw, &tr)
				ids[i] = tr.ID
			}
		})
	}
	wg.Wait()
	return ids
}

// waitTerminal waits until every delivery of ids is terminal in the log
// read through base, and returns the log by event id.
func waitTerminal(t *testing.T, base string, ids []string, perEvent int, within time.Duration) map[string][]loggedDelivery {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		byEvent := map[string][]loggedDelivery{}
		live := 0
		for _, d := range streamLog(t, base) {
			byEvent[d.EventID] = append(byEvent[d.EventID], d)
			if d.Status == "pending" || d.Status == "retrying" {
				live++
			}
		}
		missing := 0
		for _, id := range ids {
			if len(byEvent[id]) < perEvent {
				missing++
			}
		}
		if live == 0 && missing == 0 {
			return byEvent
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %d deliveries live, %d events short of %d deliveries", within, live, missing, perEvent)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestTwoReplicasOnPostgres: two serve processes share one database.
// Webhooks created through A are delivered by both; 10,000 events, half
// through each, reach each webhook exactly once; then A is killed -9
// mid-flight and B finishes A's leased work once the lease lapses.
func TestTwoReplicasOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("real processes; -short skips")
	}
	events := 10_000
	if raceEnabled {
		events = 1_000
	}
	if s := os.Getenv("HOOKMOCK_REPLICA_EVENTS"); s != "" {
		events, _ = strconv.Atoi(s)
	}
	dsn := pgtest.Shared(t).NewDatabase(t)
	cons := newCountingConsumer()
	defer cons.Close()
	defer close(cons.release)
	cfg := filepath.Join(t.TempDir(), "hookmock.yaml")
	if err := os.WriteFile(cfg, []byte("store:\n  lease: 5s\nwebhooks:\n  allowMultiple: true\nretry:\n  exponential:\n    base: 100ms\n    cap: 1s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--store", dsn, "--config", cfg}
	a := startServe(t, args...)
	b := startServe(t, args...)
	for _, path := range []string{"/one", "/two"} {
		if status, raw := call(t, "POST", a.url+"/v1/webhooks", map[string]any{"url": cons.URL + path, "retryType": "exponential"}); status != http.StatusOK {
			t.Fatalf("create webhook: %d %s", status, raw)
		}
	}
	start := time.Now()
	var ids []string
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, base := range []string{a.url, b.url} {
		wg.Go(func() {
			got := triggerMany(t, base, events/2)
			mu.Lock()
			ids = append(ids, got...)
			mu.Unlock()
		})
	}
	wg.Wait()
	distinct := map[string]int{}
	for _, id := range ids {
		distinct[id]++
	}
	for id, n := range distinct {
		if n > 1 {
			t.Errorf("event id %s was generated %d times", id, n)
		}
	}
	byEvent := waitTerminal(t, b.url, ids, 2, 10*time.Minute)
	t.Logf("%d events through two replicas to 2 webhooks: all terminal after %s", len(ids), time.Since(start).Round(time.Millisecond))
	cons.mu.Lock()
	for _, id := range ids {
		for _, path := range []string{"/one", "/two"} {
			if n := cons.got[path+" "+id]; n != 1 {
				t.Errorf("event %s reached %s %d times, want exactly once; its deliveries: %+v", id, path, n, byEvent[id])
			}
		}
		for _, d := range byEvent[id] {
			if d.Status != "delivered" || len(d.Attempts) != 1 {
				t.Errorf("%s: %s after %d attempts: %+v", d.ID, d.Status, len(d.Attempts), d.Attempts)
			}
		}
	}
	cons.mu.Unlock()
	if t.Failed() {
		t.Logf("A:\n%.4000s\nB:\n%.4000s", grepLines(a.logs.String(), "resum"), grepLines(b.logs.String(), "resum"))
		return
	}

	// Kill A with attempts in flight; B takes its work over.
	cons.hang.Store(true)
	more := triggerMany(t, a.url, 200)
	deadline := time.Now().Add(30 * time.Second)
	for cons.hung.Load() < 8 {
		if time.Now().After(deadline) {
			t.Fatalf("no attempt in flight on A")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	a.cmd.Wait()
	cons.hang.Store(false)
	byEvent = waitTerminal(t, b.url, more, 2, 2*time.Minute)
	interrupted := 0
	for _, id := range more {
		for _, d := range byEvent[id] {
			if d.Status != "delivered" {
				t.Errorf("%s: %s after A died", d.ID, d.Status)
			}
			for _, at := range d.Attempts {
				if at.Outcome == "interrupted" {
					interrupted++
				}
			}
		}
		if len(byEvent[id]) != 2 {
			t.Errorf("event %s has %d deliveries, want 2", id, len(byEvent[id]))
		}
	}
	if interrupted == 0 {
		t.Errorf("A died with attempts in flight, but B recorded none as interrupted")
	}
	t.Logf("after killing A: B finished its %d events; %d attempts recorded as interrupted", len(more), interrupted)
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
