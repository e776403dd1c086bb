// Package benchrun holds what the send benchmarks of several packages
// share: running calls with a fixed number in flight.
package benchrun

import (
	"sync"
	"testing"
	"time"
)

// InFlight runs b.N calls of do with n in flight and reports calls/s as
// unit; allocations are reported per call.
func InFlight(b *testing.B, n int, unit string, do func() error) {
	jobs := make(chan struct{}, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for range jobs {
				if err := do(); err != nil {
					b.Error(err)
				}
			}
		})
	}
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), unit)
}
