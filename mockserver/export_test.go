package mockserver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/hookmock/hookmock/internal/pgtest"
	"github.com/hookmock/hookmock/mockserver/store"
)

// HOOKMOCK_TEST_STORE=sqlite|postgres runs the whole suite with every
// provider on a fresh store of that backend: a real SQLite file, or a
// database on a real Postgres started for the run. .ci/run does both.
func TestMain(m *testing.M) {
	backend := os.Getenv("HOOKMOCK_TEST_STORE")
	var dir string
	var n atomic.Int64
	switch backend {
	case "", "memory":
	case "sqlite":
		var err error
		if dir, err = os.MkdirTemp("", "hookmock-suite-"); err != nil {
			panic(err)
		}
		storeForTests = func(max int) (store.Store, error) {
			path := filepath.Join(dir, fmt.Sprintf("s%d.db", n.Add(1)))
			return store.OpenSQLite(context.Background(), path, store.Options{MaxRecords: max})
		}
	case "postgres":
		storeForTests = func(max int) (store.Store, error) {
			srv, err := pgtest.SharedServer()
			if err != nil {
				return nil, err
			}
			dsn, err := srv.CreateDatabase()
			if err != nil {
				return nil, err
			}
			return store.OpenPostgres(context.Background(), dsn, store.Options{MaxRecords: max})
		}
	default:
		fmt.Fprintf(os.Stderr, "HOOKMOCK_TEST_STORE=%q: want memory, sqlite or postgres\n", backend)
		os.Exit(2)
	}
	code := pgtest.Main(m)
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}
