package loadgen_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver/loadgen"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
)

// BenchmarkLoad runs the load engine for two seconds at each rate against
// a trivial loopback consumer (read the body, answer 200) and reports the
// rate achieved and the latency percentiles (p99 from each tick's due
// time, service-p99 from each request's start, as vegeta counts it). The
// consumer shares the process: scripts/bench-side-by-side.sh measures
// against one of its own, beside vegeta.
// b.N is ignored: one run is one measurement, and it outlasts -benchtime.
//
//	go test -run '^$' -bench Load ./mockserver/loadgen/
func BenchmarkLoad(b *testing.B) {
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	defer consumer.Close()
	for _, rate := range []int{4000, 8000, 12000, 16000, 20000, 24000} {
		b.Run("rate="+strconv.Itoa(rate), func(b *testing.B) {
			var rep *loadgen.Report
			for b.Loop() {
				var err error
				rep, err = loadgen.Run(context.Background(), loadgen.Config{
					Target: wire.Target{URL: consumer.URL, Scheme: signing.Daily, Secret: secret},
					Rate:   float64(rate), Duration: 2 * time.Second, Event: "calltransfer.triggered", Seed: 1,
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(rep.AchievedRate, "sent/s")
			b.ReportMetric(float64(rep.Latency.P50)/1e6, "p50-ms")
			b.ReportMetric(float64(rep.Latency.P99)/1e6, "p99-ms")
			b.ReportMetric(float64(rep.Service.P99)/1e6, "service-p99-ms")
			b.ReportMetric(float64(rep.Errors+rep.Missed), "errors+missed")
			b.ReportMetric(0, "ns/op")
			if len(rep.ErrorsBy) > 0 {
				b.Logf("errors: %v", rep.ErrorsBy)
			}
		})
	}
}
