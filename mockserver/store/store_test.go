package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/hookmock/hookmock/internal/pgtest"
	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestConformance(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) { storetest.Run(t, b) })
	}
}

// A store written by a newer hookmock is refused, naming both versions,
// and left as it was.
func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	eachDurable(t, func(t *testing.T, spec string, db *sql.DB, _ string) {
		s := storetest.Open(t, spec, store.Options{})
		s.Close()
		if _, err := db.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (99)`); err != nil {
			t.Fatal(err)
		}
		_, err := store.Open(ctx, spec, store.Options{})
		var se *store.SchemaError
		if !errors.As(err, &se) || se.Found != 99 || se.Max < 1 || !strings.Contains(err.Error(), "newer hookmock") {
			t.Fatalf("opening a newer store: %v; want a SchemaError naming version 99", err)
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_version`).Scan(&n); err != nil || n != 99 {
			t.Fatalf("the refused store was changed: version %d, %v", n, err)
		}
	})
}

// eachDurable runs fn on a fresh store of each durable backend, with a
// connection of the test's own to its database and the dialect's name.
func eachDurable(t *testing.T, fn func(t *testing.T, spec string, db *sql.DB, dialect string)) {
	for _, b := range storetest.Backends() {
		if !b.Durable {
			continue
		}
		t.Run(b.Name, func(t *testing.T) {
			spec := b.Fresh(t)
			driver, dsn, dialect := "pgx", spec, "postgres"
			if p, ok := strings.CutPrefix(spec, "sqlite:"); ok {
				driver, dsn, dialect = "sqlite", p, "sqlite"
			}
			db, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			fn(t, spec, db, dialect)
		})
	}
}

func TestOpenRejectsUnknownStores(t *testing.T) {
	for _, spec := range []string{"", "mysql://x", "sqlite:", "redis:local"} {
		if _, err := store.Open(context.Background(), spec, store.Options{}); err == nil || !strings.Contains(err.Error(), "store") {
			t.Errorf("Open(%q) = %v, want an error naming the store", spec, err)
		}
	}
}

// One SQLite file serves one process (it trusts its own caches): a second
// open while the first is open is refused, naming the file; a close, or
// the process's death, frees it.
func TestSQLiteFileServesOneProcess(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/one.db"
	a, err := store.OpenSQLite(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.OpenSQLite(ctx, path, store.Options{}); err == nil || !strings.Contains(err.Error(), "sqlite:"+path) || !strings.Contains(err.Error(), "in use by another hookmock process") {
		t.Fatalf("second open: %v, want refused as in use, naming the file", err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := store.OpenSQLite(ctx, path, store.Options{})
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	b.Close()
}

// One pass over the log (store.Each, what ?format=ndjson streams) has no
// holes: when it returns a record, it has returned every record with a
// lower seq that is ever committed. On Postgres a transaction caught
// between adding a delivery and committing it (another replica's, played
// here by hand under the same lock) holds back later ones.
func TestPostgresLogHasNoHoles(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Shared(t).NewDatabase(t)
	s := storetest.Open(t, dsn, store.Options{})
	rec := func(id string) store.Delivery {
		return store.Delivery{ID: id, WebhookUUID: "w", EventType: "t", EventID: id, Status: "pending",
			CreatedAt: time.Unix(1, 0), UpdatedAt: time.Unix(1, 0), Doc: []byte(`{}`)}
	}
	if err := s.Enqueue(ctx, []store.Delivery{rec("first")}, nil); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	slow, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Rollback()
	if _, err := slow.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, store.AppendLockKey); err != nil {
		t.Fatal(err)
	}
	if _, err := slow.ExecContext(ctx, `INSERT INTO deliveries (id, webhook, event_type, event_id, status, terminal, created_at, updated_at, doc)
		VALUES ('slow', 'w', 't', 'slow', 'pending', false, 1, 1, '{}')`); err != nil {
		t.Fatal(err)
	}
	fast := make(chan error, 1)
	go func() { fast <- s.Enqueue(ctx, []store.Delivery{rec("fast")}, nil) }()
	time.Sleep(300 * time.Millisecond) // ample for an unhindered enqueue to commit
	seen := map[string]bool{}
	var last int64
	if err := store.Each(ctx, s, store.Query{Limit: 1}, func(d store.Delivery) error {
		seen[d.ID], last = true, d.Seq
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := slow.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-fast; err != nil {
		t.Fatal(err)
	}
	if err := store.Each(ctx, s, store.Query{}, func(d store.Delivery) error {
		if d.Seq < last && !seen[d.ID] {
			t.Errorf("the pass returned seq %d but not %s (seq %d), committed after it: a hole", last, d.ID, d.Seq)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	t.Logf("the pass during the slow transaction saw %v", seen)
}
