package mockserver_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/store/storetest"
	"github.com/hookmock/hookmock/mockserver/wire"
)

// Workers is how many attempts are on the wire at once, on every store:
// on a durable one there are more workers than that, marking their next
// attempts while the others are sent, but never more attempts in flight.
// And one worker sends in order: the second event reaches the consumer
// after the first.
func TestWorkersBoundTheAttemptsOnTheWire(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			for _, workers := range []int{1, 3} {
				var mu sync.Mutex
				var inFlight, most atomic.Int64
				var order []string
				consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					body, _ := io.ReadAll(r.Body)
					n := inFlight.Add(1)
					for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
					}
					time.Sleep(2 * time.Millisecond)
					inFlight.Add(-1)
					mu.Lock()
					order = append(order, string(body))
					mu.Unlock()
				}))
				st := storetest.Open(t, b.Fresh(t), store.Options{})
				srv, err := mockserver.NewProvider(mockserver.Options{Seed: 7, Workers: workers, Store: st})
				if err != nil {
					t.Fatal(err)
				}
				ctx := context.Background()
				if _, err := srv.CreateWebhook(ctx, mockserver.WebhookInput{URL: consumer.URL}); err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				order = nil // the verification probe
				mu.Unlock()
				var ids []string
				for range 60 {
					tr, err := srv.Trigger(ctx, "calltransfer.triggered")
					if err != nil {
						t.Fatal(err)
					}
					ids = append(ids, tr.ID)
				}
				sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				if err := srv.Settle(sctx); err != nil {
					t.Fatal(err)
				}
				cancel()
				srv.Shutdown(ctx)
				consumer.Close()
				if got := most.Load(); got != int64(workers) {
					t.Errorf("Workers %d: at most %d attempts were on the wire at once, want %d", workers, got, workers)
				}
				if workers == 1 {
					for i, body := range order {
						if i < len(ids) && wire.EventID([]byte(body)) != ids[i] {
							t.Errorf("one worker: request %d was not event %s (the %d-th triggered): %.80s", i, ids[i], i, body)
							break
						}
					}
				}
			}
		})
	}
}
