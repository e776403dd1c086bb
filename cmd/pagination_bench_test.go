package cmd_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/wire"
)

// rssKB reads a process's resident set (VmRSS) and its peak (VmHWM).
func rssKB(pid int) (rss, peak int64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		k, v, _ := strings.Cut(s.Text(), ":")
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			rss = n
		case "VmHWM":
			peak = n
		}
	}
	return rss, peak
}

// BenchmarkPagination50k: a real serve process on a SQLite store of
// 50,000 delivery records (about 1.5 KB of JSON each, like a delivered
// calltransfer event) pages through them 100 at a time, then streams them
// as NDJSON. Reported: the process's RSS before, its peak after, and the
// growth, which the issue wants under 100 MB.
func BenchmarkPagination50k(b *testing.B) {
	const records = 50_000
	path := filepath.Join(b.TempDir(), "state.db")
	ctx := context.Background()
	st, err := store.OpenSQLite(ctx, path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	pad := strings.Repeat("x", 1200)
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < records; i += 1000 {
		var ds []store.Delivery
		for j := i; j < i+1000; j++ {
			id := fmt.Sprintf("dlv_%d", j+1)
			// Stored as the engine stores a delivery: its compact record.
			d := wire.Delivery{ID: id, WebhookUUID: "w", EventType: "calltransfer.triggered", EventID: id, Status: wire.StatusDelivered,
				CreatedAt: t0, UpdatedAt: t0, Attempts: []wire.Attempt{{N: 1, At: t0, Outcome: wire.OutcomeSuccess,
					Request: wire.SentRequest{Method: "POST", URL: "http://127.0.0.1:1/hook", Body: pad}}}}
			doc := d.EncodeRecord()
			ds = append(ds, store.Delivery{ID: id, WebhookUUID: "w", EventType: "calltransfer.triggered", EventID: id, Status: "delivered",
				Terminal: true, CreatedAt: t0.Add(time.Duration(j) * time.Millisecond), UpdatedAt: t0, Doc: doc})
		}
		if err := st.Enqueue(ctx, ds, nil); err != nil {
			b.Fatal(err)
		}
	}
	st.Close()
	p := startServeB(b, "--store", "sqlite:"+path)
	pid := p.cmd.Process.Pid
	base, _ := rssKB(pid)
	b.ResetTimer()
	for b.Loop() {
		n, cursor := 0, ""
		for {
			resp, err := http.Get(p.url + "/_mock/deliveries?limit=100&cursor=" + cursor)
			if err != nil {
				b.Fatal(err)
			}
			var page struct {
				Deliveries []json.RawMessage `json:"deliveries"`
				Next       string            `json:"next"`
			}
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			n += len(page.Deliveries)
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
		resp, err := http.Get(p.url + "/_mock/deliveries?format=ndjson")
		if err != nil {
			b.Fatal(err)
		}
		lines := 0
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			lines++
		}
		resp.Body.Close()
		if n != records || lines != records {
			b.Fatalf("paged %d and streamed %d records, want %d", n, lines, records)
		}
	}
	b.StopTimer()
	_, peak := rssKB(pid)
	b.ReportMetric(float64(base)/1024, "base-RSS-MB")
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
	b.ReportMetric(float64(peak-base)/1024, "growth-MB")
}
