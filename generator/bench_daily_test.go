package generator

import (
	"testing"
	"time"
)

// Generation with validation (the public path) for each of Daily's event
// types, against calltransfer.initiated: each iteration makes one event of
// the type and one calltransfer.initiated, timed apart, so that the ratio
// ("x-initiated") holds on a machine whose load drifts during the run.
//
//	go test -run '^$' -bench BenchmarkDailyEventTypes ./generator/
func BenchmarkDailyEventTypes(b *testing.B) {
	s := dailySpec(b)
	g := New(s)
	for _, e := range s.Events {
		b.Run(e.Name, func(b *testing.B) {
			b.ReportAllocs()
			var own, base time.Duration
			for i := 0; b.Loop(); i++ {
				t0 := time.Now()
				if _, err := g.Generate(Request{Event: e.Name, Seed: uint64(i)}); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if _, err := g.Generate(Request{Event: "calltransfer.initiated", Seed: uint64(i)}); err != nil {
					b.Fatal(err)
				}
				own += t1.Sub(t0)
				base += time.Since(t1)
			}
			b.ReportMetric(float64(own.Nanoseconds())/float64(b.N), "ns/event")
			b.ReportMetric(float64(own)/float64(base), "x-initiated")
		})
	}
}
