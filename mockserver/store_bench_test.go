package mockserver_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/hookmock/hookmock/internal/pgtest"
	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/store"
)

// BenchmarkStoreEndToEnd is BenchmarkDeliveryEndToEnd on each backend, in
// one run (with -count N the backends interleave): events/s, and the
// bytes each delivery record takes on disk.
func BenchmarkStoreEndToEnd(b *testing.B) {
	for _, backend := range []string{"memory", "sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			var st store.Store
			var size func() int64
			ctx := context.Background()
			switch backend {
			case "memory":
				st = store.NewMemory(store.Options{MaxRecords: 1 << 30})
			case "sqlite":
				path := filepath.Join(b.TempDir(), "bench.db")
				var err error
				if st, err = store.OpenSQLite(ctx, path, store.Options{}); err != nil {
					b.Fatal(err)
				}
				size = func() int64 {
					var n int64
					for _, f := range []string{path, path + "-wal"} {
						if fi, err := os.Stat(f); err == nil {
							n += fi.Size()
						}
					}
					return n
				}
			case "postgres":
				dsn := pgtest.Shared(b).NewDatabase(b)
				var err error
				if st, err = store.OpenPostgres(ctx, dsn, store.Options{}); err != nil {
					b.Fatal(err)
				}
				size = func() int64 {
					db, err := sql.Open("pgx", dsn)
					if err != nil {
						return 0
					}
					defer db.Close()
					var n int64
					_ = db.QueryRow(`SELECT pg_total_relation_size('deliveries')`).Scan(&n)
					return n
				}
			}
			defer st.Close()
			consumer := trivialConsumer()
			defer consumer.Close()
			srv, err := mockserver.New(mockserver.Options{Seed: 1, Workers: 64, Store: st})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			body, _ := json.Marshal(map[string]any{"url": consumer.URL})
			req, _ := http.NewRequest("POST", srv.URL+"/v1/webhooks", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer x")
			resp, err := http.DefaultClient.Do(req)
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(err, resp.Status)
			}
			resp.Body.Close()
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				if _, err := srv.Trigger(ctx, "calltransfer.triggered"); err != nil {
					b.Fatal(err)
				}
			}
			sctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
			defer cancel()
			if err := srv.Settle(sctx); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
			if size != nil {
				b.ReportMetric(float64(size())/float64(b.N), "disk-B/record")
			}
		})
	}
}
