package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
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
