package mockserver_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/store"
)

// BenchmarkStreamAt1000PerSecond triggers 1,000 events a second for 3 s
// to one webhook on loopback, with a browser-like client on the stream,
// and reports how far behind the stream runs: the lag from a delivery's
// change to its entry reaching the client (p50, p99, max), and whether
// the client ever had to reload. Run with -benchtime=1x.
func BenchmarkStreamAt1000PerSecond(b *testing.B) {
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	defer consumer.Close()
	srv, err := mockserver.New(mockserver.Options{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/v1/webhooks", strings.NewReader(`{"url": "`+consumer.URL+`"}`))
	req.Header.Set("Authorization", "Bearer k")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		b.Fatalf("webhook: %v %v", resp, err)
	}
	const rate, seconds = 1000, 3
	for range b.N {
		s := openStreamB(b, srv.URL+"/_mock/stream")
		var lags []time.Duration
		reloads, entries := 0, 0
		done := make(chan struct{})
		go func() {
			defer close(done)
			delivered := 0
			for ev := range s.events {
				entries++
				if ev.Event == "reload" {
					reloads++
					continue
				}
				if ev.Entry.Delivery != nil && ev.Entry.Delivery.Status == mockserver.StatusDelivered {
					lags = append(lags, time.Since(ev.Entry.At))
					if delivered++; delivered == rate*seconds {
						return
					}
				}
			}
		}()
		start := time.Now()
		ctx := context.Background()
		for i := range rate * seconds {
			// Paced by the wall clock: event i goes at i ms.
			if d := time.Until(start.Add(time.Duration(i) * time.Second / rate)); d > 0 {
				time.Sleep(d)
			}
			if _, err := srv.Trigger(ctx, "meeting.started"); err != nil {
				b.Fatal(err)
			}
		}
		sent := time.Since(start)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			b.Fatalf("the stream fell behind: %d of %d deliveries seen", len(lags), rate*seconds)
		}
		s.close()
		slices.Sort(lags)
		b.ReportMetric(float64(rate*seconds)/sent.Seconds(), "deliveries/s")
		b.ReportMetric(float64(entries)/sent.Seconds(), "entries/s")
		b.ReportMetric(ms(lags[len(lags)/2]), "lag-p50-ms")
		b.ReportMetric(ms(lags[len(lags)*99/100]), "lag-p99-ms")
		b.ReportMetric(ms(lags[len(lags)-1]), "lag-max-ms")
		b.ReportMetric(float64(reloads), "reloads")
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkPageFirstLoad100k loads the page at / over HTTP with 100,000
// deliveries in the store, on the memory and the SQLite backend.
func BenchmarkPageFirstLoad100k(b *testing.B) {
	for _, backend := range []string{"memory", "sqlite"} {
		b.Run(backend, func(b *testing.B) {
			ctx := context.Background()
			var st store.Store
			if backend == "memory" {
				st = store.NewMemory(store.Options{MaxRecords: 200_000})
			} else {
				var err error
				if st, err = store.OpenSQLite(ctx, filepath.Join(b.TempDir(), "hookmock.db"), store.Options{MaxRecords: 200_000}); err != nil {
					b.Fatal(err)
				}
			}
			defer st.Close()
			fill100k(b, st)
			srv, err := mockserver.New(mockserver.Options{Seed: 1, Store: st, MaxDeliveries: 200_000})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			b.ResetTimer()
			for range b.N {
				resp, err := http.Get(srv.URL + "/")
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || n < 10_000 {
					b.Fatalf("page: %d, %d bytes", resp.StatusCode, n)
				}
			}
		})
	}
}

func fill100k(b *testing.B, st store.Store) {
	b.Helper()
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	body := `{"version":"1.0.0","type":"meeting.started","id":"evt","payload":{"room":"r","start_ts":1}}`
	for chunk := 0; chunk < 100; chunk++ {
		recs := make([]store.Delivery, 0, 1000)
		for i := range 1000 {
			n := chunk*1000 + i
			at := t0.Add(time.Duration(n) * time.Millisecond)
			d := mockserver.Delivery{ID: fmt.Sprintf("dlv_%d", n+1), WebhookUUID: "hook", URL: "http://127.0.0.1:1/", EventType: "meeting.started",
				EventID: fmt.Sprintf("evt-%d", n), Status: mockserver.StatusDelivered, CreatedAt: at, UpdatedAt: at,
				Attempts: []mockserver.Attempt{{N: 1, At: at, Outcome: "success", Request: mockserver.SentRequest{Method: "POST", URL: "http://127.0.0.1:1/", Body: body},
					Response: &mockserver.GotResponse{Status: 200, Body: `{"ok":true}`}}}}
			doc := d.EncodeRecord() // as the engine stores it
			recs = append(recs, store.Delivery{ID: d.ID, WebhookUUID: d.WebhookUUID, EventType: d.EventType, EventID: d.EventID,
				Status: string(d.Status), Terminal: true, CreatedAt: at, UpdatedAt: at, Doc: doc})
		}
		if err := st.Enqueue(ctx, recs, nil); err != nil {
			b.Fatal(err)
		}
	}
}
