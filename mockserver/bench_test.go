package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver"
)

// BenchmarkDeliveryEndToEnd measures the whole path: generate, validate,
// sign, POST to a trivial loopback consumer with 64 in flight, record.
// b.N events are triggered; the figure is events/s.
func BenchmarkDeliveryEndToEnd(b *testing.B) {
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	defer consumer.Close()
	srv, err := mockserver.New(mockserver.Options{Seed: 1, Workers: 64, MaxDeliveries: 10_000})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	body, _ := json.Marshal(map[string]any{"url": consumer.URL})
	req, _ := http.NewRequest("POST", srv.URL+"/v1/webhooks", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		b.Fatal(err, resp.Status)
	}
	resp.Body.Close()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		if _, err := srv.Trigger(ctx, "calltransfer.triggered"); err != nil {
			b.Fatal(err)
		}
	}
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := srv.Settle(sctx); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	if n := len(srv.Deliveries(mockserver.Filter{Status: mockserver.StatusDelivered})); n == 0 {
		b.Fatal("nothing delivered")
	}
}

// BenchmarkHTTPCeiling is the yardstick for BenchmarkDeliveryEndToEnd: the
// same POSTs (a calltransfer-sized body, 64 in flight, the same kind of
// trivial loopback consumer) with no generation, validation, signing or
// recording. The ratio of the two is hookmock's own cost.
func BenchmarkHTTPCeiling(b *testing.B) {
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	defer consumer.Close()
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 128, 128
	client := &http.Client{Transport: t}
	defer client.CloseIdleConnections()
	body := bytes.Repeat([]byte("x"), 600)
	jobs := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				resp, err := client.Post(consumer.URL, "application/json", bytes.NewReader(body))
				if err != nil {
					b.Error(err)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "requests/s")
}
