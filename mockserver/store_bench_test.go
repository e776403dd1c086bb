package mockserver_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/hookmock/hookmock/internal/pgtest"
	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/store"
)

// BenchmarkStoreEndToEnd is BenchmarkDeliveryEndToEnd on each backend, in
// one run (with -count N the backends interleave), triggered two ways:
//   - serial: one Trigger at a time, each waiting for its event to be
//     stored, as a test suite calling the library does;
//   - concurrent: 64 goroutines triggering (as many as the engine has
//     workers), as the server's HTTP handlers and schedules do, so that
//     the durable stores batch their writes.
//
// Besides events/s it reports, over the whole run including the wait for
// the last delivery (which b.Loop's own figures leave out): the CPU time
// and allocations per event, and the bytes each record takes on disk.
func BenchmarkStoreEndToEnd(b *testing.B) {
	for _, backend := range []string{"memory", "sqlite", "postgres"} {
		for _, mode := range []string{"serial", "concurrent"} {
			b.Run(backend+"/"+mode, func(b *testing.B) { benchStore(b, backend, mode == "concurrent") })
		}
	}
}

func benchStore(b *testing.B, backend string, concurrent bool) {
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
	b.Cleanup(func() { st.Close() }) // after the server's own cleanup
	consumer := trivialConsumer()
	defer consumer.Close()
	srv := benchServer(b, consumer.URL, mockserver.Options{Seed: 1, Workers: 64, Store: st})
	trigger := func() {
		if _, err := srv.Trigger(ctx, "calltransfer.triggered"); err != nil {
			b.Error(err)
		}
	}
	runtime.GC()
	var m0, m1 runtime.MemStats
	var r0, r1 syscall.Rusage
	runtime.ReadMemStats(&m0)
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
	start := time.Now()
	n := 0
	if concurrent {
		work := make(chan struct{}, 64)
		var wg sync.WaitGroup
		for range 64 {
			wg.Go(func() {
				for range work {
					trigger()
				}
			})
		}
		for b.Loop() {
			work <- struct{}{}
			n++
		}
		close(work)
		wg.Wait()
	} else {
		for b.Loop() {
			trigger()
			n++
		}
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := srv.Settle(sctx); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
	runtime.ReadMemStats(&m1)
	cpu := time.Duration(r1.Utime.Nano() + r1.Stime.Nano() - r0.Utime.Nano() - r0.Stime.Nano())
	b.ReportMetric(float64(n)/elapsed.Seconds(), "events/s")
	// The consumer runs in this process too: its CPU is in the figure.
	b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/event")
	b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(n), "allocs/event")
	if size != nil {
		b.ReportMetric(float64(size())/float64(n), "disk-B/record")
	}
}
