// Package storetest is the store's conformance suite and the backends it
// runs against: memory, a real SQLite file in a temporary directory, and a
// real Postgres started by internal/pgtest. The engine's tests use the
// same backends, so nothing in them mocks the store.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/hookmock/hookmock/internal/pgtest"
	"github.com/hookmock/hookmock/mockserver/store"
)

// Backend makes fresh stores of one kind.
type Backend struct {
	Name string
	// Durable backends keep their data across Close and Open.
	Durable bool
	// Fresh returns the --store value of a new, empty store.
	Fresh func(tb testing.TB) string
}

// Backends are the three backends. Postgres needs TestMain to call
// pgtest.Main; it is skipped (failed under CI=true) without the binaries.
func Backends() []Backend {
	return []Backend{
		{Name: "memory", Fresh: func(testing.TB) string { return "memory" }},
		{Name: "sqlite", Durable: true, Fresh: func(tb testing.TB) string {
			return "sqlite:" + filepath.Join(tb.TempDir(), "hookmock.db")
		}},
		{Name: "postgres", Durable: true, Fresh: func(tb testing.TB) string {
			return pgtest.Shared(tb).NewDatabase(tb)
		}},
	}
}

// Open opens spec, closed when tb ends.
func Open(tb testing.TB, spec string, o store.Options) store.Store {
	tb.Helper()
	s, err := store.Open(context.Background(), spec, o)
	if err != nil {
		tb.Fatalf("open store %s: %v", spec, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}
