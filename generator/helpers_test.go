package generator

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hookmock/hookmock/internal/corpus"
	"github.com/hookmock/hookmock/spec"
)

// Specs are loaded once per test binary: the GitHub documents take
// seconds. Different specs load in parallel.
var (
	specMu    sync.Mutex
	specCache = map[string]*specEntry{}
)

type specEntry struct {
	once sync.Once
	s    *spec.Spec
	err  error
}

func loadSpec(t testing.TB, path string) *spec.Spec {
	t.Helper()
	specMu.Lock()
	e, ok := specCache[path]
	if !ok {
		e = &specEntry{}
		specCache[path] = e
	}
	specMu.Unlock()
	e.once.Do(func() {
		if path == "" {
			e.s, e.err = spec.Default()
		} else {
			e.s, e.err = spec.LoadFile(path)
		}
	})
	if e.err != nil {
		t.Fatalf("load %s: %v", path, e.err)
	}
	return e.s
}

func dailySpec(t testing.TB) *spec.Spec    { return loadSpec(t, "") }
func featuresSpec(t testing.TB) *spec.Spec { return loadSpec(t, "testdata/features.yaml") }

// corpusDir returns the shared corpus folder, or skips the test.
func corpusDir(t testing.TB) string {
	t.Helper()
	return corpus.Dir(t)
}

func corpusSpec(t testing.TB, rel string) *spec.Spec {
	return loadSpec(t, filepath.Join(corpusDir(t), rel))
}

// decode reads an event the way a consumer would, numbers kept exact.
func decode(t testing.TB, raw []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return m
}

// mustGenerate generates one event and fails the test on error.
func mustGenerate(t testing.TB, g *Generator, req Request) *Result {
	t.Helper()
	res, err := g.Generate(req)
	if err != nil {
		t.Fatalf("%s seed %d: %v", req.Event, req.Seed, err)
	}
	return res
}
