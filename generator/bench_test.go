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

// The public path: generation, marshalling and validation.
func BenchmarkGenerateValidated(b *testing.B) {
	g := New(dailySpec(b))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := g.Generate(Request{Event: "calltransfer.triggered", Seed: uint64(i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// Many goroutines on one Generator.
func BenchmarkGenerateValidatedParallel(b *testing.B) {
	g := New(dailySpec(b))
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

// A large real-world body (GitHub's), for scale.
func BenchmarkGenerateGitHub(b *testing.B) {
	s := corpusSpec(b, "github/api.github.com.webhooks.openapi-3.1.json")
	g := New(s)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := g.Generate(Request{Event: "issues-opened", Seed: uint64(i)}); err != nil {
			b.Fatal(err)
		}
	}
}
