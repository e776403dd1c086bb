package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/store/storetest"
)

// A store an older hookmock wrote, with its pending work in a table of its
// own, keeps that work when migrated to work held in the delivery's row:
// the waiting retry, the dead owner's leased attempt (interrupted, once
// claimed) and the finished delivery without work all come through.
func TestMigrationKeepsPendingWork(t *testing.T) {
	ctx := context.Background()
	eachDurable(t, func(t *testing.T, spec string, db *sql.DB, dialect string) {
		names, read := store.Migrations(dialect)
		before := 0
		for i, n := range names {
			if strings.Contains(path.Base(n), "work_in_deliveries") {
				before = i
			}
		}
		if before == 0 {
			t.Fatalf("no work_in_deliveries migration among %v", names)
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if dialect == "postgres" {
				q = store.Dollars(q)
			}
			if _, err := db.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		exec(`CREATE TABLE schema_version (version INTEGER NOT NULL)`)
		for i, n := range names[:before] {
			body, err := read(n)
			if err != nil {
				t.Fatal(err)
			}
			exec(string(body))
			exec(`INSERT INTO schema_version (version) VALUES (?)`, i+1)
		}
		t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		for _, id := range []string{"waiting", "leased", "done"} {
			exec(`INSERT INTO deliveries (id, webhook, event_type, event_id, status, terminal, created_at, updated_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, "w", "t", "e-"+id, "pending", id == "done", t0.UnixNano(), t0.UnixNano(), []byte(`{"id":"`+id+`"}`))
		}
		exec(`INSERT INTO work (delivery_id, due, attempt, job, owner, lease_until, sending) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			"waiting", t0.Add(time.Minute).UnixNano(), 2, []byte("job-waiting"), nil, nil, 0)
		exec(`INSERT INTO work (delivery_id, due, attempt, job, owner, lease_until, sending) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			"leased", t0.UnixNano(), 0, []byte("job-leased"), "dead", time.Now().Add(-time.Hour).UnixNano(), 1)

		s := storetest.Open(t, spec, store.Options{})
		st, err := s.Stats(ctx)
		if err != nil || st.Kept != 3 || st.Pending != 2 {
			t.Fatalf("after the migration: %+v, %v; want 3 kept, 2 pending", st, err)
		}
		ws, err := s.ClaimWork(ctx, store.Claim{Owner: "me", Now: t0.Add(time.Hour), WallNow: time.Now(), Lease: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if len(ws) != 2 {
			t.Fatalf("claimed %+v, want the two pending items", ws)
		}
		leased, waiting := ws[0], ws[1]
		if leased.DeliveryID != "leased" || !leased.Reclaimed || leased.Sending != 1 || !bytes.Equal(leased.Job, []byte("job-leased")) {
			t.Errorf("the dead owner's work came through as %+v", leased)
		}
		if waiting.DeliveryID != "waiting" || waiting.Reclaimed || waiting.Attempt != 2 || !waiting.Due.Equal(t0.Add(time.Minute)) || !bytes.Equal(waiting.Job, []byte("job-waiting")) {
			t.Errorf("the waiting retry came through as %+v", waiting)
		}
		d, err := s.Delivery(ctx, "done")
		if err != nil || !d.Terminal || string(d.Doc) != `{"id":"done"}` {
			t.Errorf("the finished delivery came through as %+v, %v", d, err)
		}
	})
}
