package generator

import (
	"slices"
	"testing"
	"time"
)

// Generation with validation (the public path) for each of Daily's event
// types, against calltransfer.initiated: each iteration makes one event of
// the type and one calltransfer.initiated, timed apart. The reported
// figures are medians ("ns/event", "ns/initiated") and their ratio
// ("x-initiated"): on a machine shared with other work, a median ignores
// the iterations that were preempted, and the interleaving exposes both
// types to the same load.
//
//	go test -run '^$' -bench BenchmarkDailyEventTypes -benchtime 5000x ./generator/
func BenchmarkDailyEventTypes(b *testing.B) {
	s := dailySpec(b)
	g := New(s)
	for _, e := range s.Events {
		b.Run(e.Name, func(b *testing.B) {
			b.ReportAllocs()
			var own, base []time.Duration
			for i := 0; b.Loop(); i++ {
				t0 := time.Now()
				if _, err := g.Generate(Request{Event: e.Name, Seed: uint64(i)}); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if _, err := g.Generate(Request{Event: "calltransfer.initiated", Seed: uint64(i)}); err != nil {
					b.Fatal(err)
				}
				own = append(own, t1.Sub(t0))
				base = append(base, time.Since(t1))
			}
			mo, mb := median(own), median(base)
			b.ReportMetric(float64(mo.Nanoseconds()), "ns/event")
			b.ReportMetric(float64(mb.Nanoseconds()), "ns/initiated")
			b.ReportMetric(float64(mo)/float64(mb), "x-initiated")
		})
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
