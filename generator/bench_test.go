package generator

import (
	"sync/atomic"
	"testing"
)

// Generation and marshalling of one calltransfer event, without the
// validation Generate always adds: the generator's own cost.
func BenchmarkGenerateMarshal(b *testing.B) {
	g := New(dailySpec(b))
	ep, err := g.plan("calltransfer.triggered")
	if err != nil {
		b.Fatal(err)
	}
	req := Request{Event: "calltransfer.triggered"}
	d := g.newDraft(ep, req)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		req.Seed = uint64(i)
		if _, _, err := g.draftBytes(ep, req, d, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// The public path with every event validated (WithValidateAll, as gen
// does): generation, marshalling and the second validation.
func BenchmarkGenerateValidated(b *testing.B) {
	g := New(dailySpec(b), WithValidateAll())
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := g.Generate(Request{Event: "calltransfer.triggered", Seed: uint64(i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// The public path as the mock server takes it: calltransfer.triggered is
// exact, so the second validation is skipped. Against
// BenchmarkGenerateValidated, the difference is what exactness saves:
//
//	go test -run '^$' -bench 'BenchmarkGenerate(Validated|Exact)$' -benchmem -count 3 ./generator
func BenchmarkGenerateExact(b *testing.B) {
	g := New(dailySpec(b))
	if e, _ := g.Lookup("calltransfer.triggered"); !g.Exact(e) {
		b.Fatal(g.Exactness(e).Reason)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := g.Generate(Request{Event: "calltransfer.triggered", Seed: uint64(i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// genModes: generation with exact plans (the default), and validating
// every event.
var genModes = []struct {
	name string
	opts []Option
}{{"exact", nil}, {"validate-all", []Option{WithValidateAll()}}}

// Every Daily event type in turn, exact (the default) and validated.
func BenchmarkGenerateDaily(b *testing.B) {
	s := dailySpec(b)
	for _, mode := range genModes {
		b.Run(mode.name, func(b *testing.B) {
			g := New(s, mode.opts...)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := g.Generate(Request{Def: s.Events[i%len(s.Events)], Seed: uint64(i)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Many goroutines on one Generator.
func BenchmarkGenerateValidatedParallel(b *testing.B) {
	g := New(dailySpec(b), WithValidateAll())
	var seed atomic.Uint64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := g.Generate(Request{Event: "calltransfer.triggered", Seed: seed.Add(1)}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// A large real-world body (GitHub's), for scale: exact (the default) and
// validated.
func BenchmarkGenerateGitHub(b *testing.B) {
	s := corpusSpec(b, "github/api.github.com.webhooks.openapi-3.1.json")
	for _, mode := range genModes {
		b.Run(mode.name, func(b *testing.B) {
			g := New(s, mode.opts...)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := g.Generate(Request{Event: "issues-opened", Seed: uint64(i)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
