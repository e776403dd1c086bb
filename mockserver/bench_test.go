package mockserver_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/internal/benchrun"
	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

// BenchmarkDeliveryEndToEnd measures the whole path: generate, sign, POST
// to a trivial loopback consumer with 64 in flight, record. b.N events are
// triggered; the figure is events/s. It runs on the memory store and on
// SQLite (a file in a temporary directory), each capped at 10,000 records
// as the memory log is here; pick one with -bench 'DeliveryEndToEnd/store=sqlite$'.
//
// The consumer runs in a process of its own, as the issue measures it, so
// that neither its CPU nor its allocations are charged to the benchmark:
// internal/benchconsumer, built and started by the benchmark, or the one
// HOOKMOCK_BENCH_CONSUMER names (loopback only), as
// scripts/bench-side-by-side.sh does to point wrk at the same one.
func BenchmarkDeliveryEndToEnd(b *testing.B) {
	for _, backend := range []string{"memory", "sqlite"} {
		b.Run("store="+backend, func(b *testing.B) {
			const records = 10_000
			ctx := context.Background()
			var st store.Store
			if backend == "sqlite" {
				var err error
				if st, err = store.OpenSQLite(ctx, filepath.Join(b.TempDir(), "bench.db"), store.Options{MaxRecords: records}); err != nil {
					b.Fatal(err)
				}
				defer st.Close()
			}
			srv := benchServer(b, benchConsumerURL(b), mockserver.Options{Seed: 1, Workers: 64, MaxDeliveries: records, Store: st})
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			// A b.N loop, not b.Loop: b.Loop stops the timer, and with it
			// the allocation count, as the last event is triggered, when
			// up to a queue's worth of deliveries are still to be made
			// (74 allocs per event counted at 5,000 events, 149 at 30,000).
			// Settling inside the timed part counts every delivery's work.
			triggerAndSettle(b, srv, b.N)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
			if n := len(srv.Deliveries(mockserver.Filter{Status: mockserver.StatusDelivered})); n == 0 {
				b.Fatal("nothing delivered")
			}
		})
	}
}

// benchConsumerURL is HOOKMOCK_BENCH_CONSUMER, checked to be on a
// loopback IP, or else a fresh internal/benchconsumer in a process of its
// own, stopped when b ends.
func benchConsumerURL(b *testing.B) string {
	consumerURL := os.Getenv("HOOKMOCK_BENCH_CONSUMER")
	if consumerURL == "" {
		return startBenchConsumer(b)
	}
	if u, err := url.Parse(consumerURL); err != nil || net.ParseIP(u.Hostname()) == nil || !net.ParseIP(u.Hostname()).IsLoopback() {
		b.Fatalf("HOOKMOCK_BENCH_CONSUMER=%q: want an http URL on a loopback IP", consumerURL)
	}
	return consumerURL
}

var benchConsumerBin = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "hookmock-benchconsumer-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "benchconsumer")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/hookmock/hookmock/internal/benchconsumer").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building internal/benchconsumer: %v: %s", err, out)
	}
	return bin, nil
})

func startBenchConsumer(b *testing.B) string {
	bin, err := benchConsumerBin()
	if err != nil {
		b.Fatalf("%v (or set HOOKMOCK_BENCH_CONSUMER to a consumer's URL)", err)
	}
	cmd := exec.Command(bin)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("internal/benchconsumer printed no URL: %v", err)
	}
	return strings.TrimSpace(line)
}

// triggerAndSettle triggers n calltransfer.triggered events, one at a
// time, and waits until every delivery has settled.
func triggerAndSettle(b *testing.B, srv *mockserver.Server, n int) {
	ctx := context.Background()
	for range n {
		if _, err := srv.Trigger(ctx, "calltransfer.triggered"); err != nil {
			b.Fatal(err)
		}
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := srv.Settle(sctx); err != nil {
		b.Fatal(err)
	}
}

// benchServer starts a provider with o and one webhook to consumerURL.
func benchServer(b *testing.B, consumerURL string, o mockserver.Options) *mockserver.Server {
	srv, err := mockserver.New(o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	body, _ := json.Marshal(map[string]any{"url": consumerURL})
	req, _ := http.NewRequest("POST", srv.URL+"/v1/webhooks", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		b.Fatal(err, resp.Status)
	}
	resp.Body.Close()
	return srv
}

// BenchmarkRecordFootprint fills a provider on the memory store with
// 100,000 delivered records (one attempt each, a calltransfer event, a
// trivial loopback consumer) and reports what they hold: heap-B/record is
// the growth of the runtime's heap in use (live objects and the spans
// they keep), live-B/record the growth of live objects alone, both after
// a full GC; rss-B/record and rss-MB are the process's resident set
// (/proc/self/status VmRSS) grown per record and at the end. One fill is
// one measurement: b.N is ignored.
//
//	go test -run '^$' -bench RecordFootprint -benchtime 1x ./mockserver/
func BenchmarkRecordFootprint(b *testing.B) {
	const records = 100_000
	srv := benchServer(b, benchConsumerURL(b), mockserver.Options{Seed: 1, Workers: 64, MaxDeliveries: records})
	heap0, live0 := heapNow()
	// The baseline returns what earlier benchmarks of this process freed
	// to the OS; the end does not, since a server's resident set keeps
	// its garbage's headroom too.
	debug.FreeOSMemory()
	rss0 := rssBytes(b)
	b.ResetTimer()
	triggerAndSettle(b, srv, records)
	b.StopTimer()
	heap1, live1 := heapNow()
	rss1 := rssBytes(b)
	if n := len(srv.Deliveries(mockserver.Filter{Status: mockserver.StatusDelivered})); n != records {
		b.Fatalf("%d records delivered, want %d", n, records)
	}
	b.ReportMetric(float64(int64(heap1)-int64(heap0))/records, "heap-B/record")
	b.ReportMetric(float64(int64(live1)-int64(live0))/records, "live-B/record")
	b.ReportMetric(float64(rss1-rss0)/records, "rss-B/record")
	b.ReportMetric(float64(rss1)/(1<<20), "rss-MB")
	b.ReportMetric(0, "ns/op")
}

// heapNow is the heap in use and the live heap after a full collection
// (twice, so that objects freed by finalizers are gone too).
func heapNow() (inuse, live uint64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse, m.HeapAlloc
}

// rssBytes is VmRSS from /proc/self/status.
func rssBytes(b *testing.B) int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc/self/status (%v): RSS is measured on Linux only", err)
	}
	for line := range strings.Lines(string(raw)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				b.Fatalf("VmRSS %q: %v", rest, err)
			}
			return kb << 10
		}
	}
	b.Fatal("/proc/self/status has no VmRSS")
	return 0
}

// BenchmarkHTTPCeiling is the yardstick for BenchmarkDeliveryEndToEnd: the
// same POSTs (a calltransfer-sized body, 64 in flight, the same kind of
// trivial loopback consumer) with no generation, validation, signing or
// recording. The ratio of the two is hookmock's own cost.
//
// net-http is Go's client, as hookmock uses it. raw is the least a client
// can do over keep-alive connections: prebuilt request bytes written to a
// pooled conn, the answer read with http.ReadResponse. It is not a client
// for production (no TLS, no proxies, no error recovery); it is here to
// show what the consumer side and the kernel cost on their own.
func BenchmarkHTTPCeiling(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 600)
	b.Run("net-http", func(b *testing.B) {
		// The same consumer as BenchmarkDeliveryEndToEnd's, so that the
		// side-by-side script can set Go's client alone against wrk.
		consumerURL := benchConsumerURL(b)
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns, t.MaxIdleConnsPerHost = 128, 128
		client := &http.Client{Transport: t}
		defer client.CloseIdleConnections()
		benchrun.InFlight(b, 64, "requests/s", func() error {
			resp, err := client.Post(consumerURL, "application/json", bytes.NewReader(body))
			if err != nil {
				return err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			return resp.Body.Close()
		})
	})
	b.Run("raw", func(b *testing.B) {
		consumer := trivialConsumer()
		defer consumer.Close()
		c := newRawClient(b, consumer, 64)
		defer c.close()
		benchrun.InFlight(b, 64, "requests/s", func() error { return c.post(nil, body) })
	})
}

// BenchmarkHTTPCeiling/raw plus the work every event must have: generated
// and validated by the generator, and signed. This is what any delivery
// engine on this machine could reach with a client as lean as raw and a
// log, queue and retry logic that cost nothing.
func BenchmarkLeastEventWork(b *testing.B) {
	s, err := spec.Default()
	if err != nil {
		b.Fatal(err)
	}
	gen := generator.New(s)
	signer, err := signing.New(signing.Daily, base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("k"), 32)))
	if err != nil {
		b.Fatal(err)
	}
	consumer := trivialConsumer()
	defer consumer.Close()
	c := newRawClient(b, consumer, 64)
	defer c.close()
	var seed atomic.Uint64
	benchrun.InFlight(b, 64, "events/s", func() error {
		ev, err := gen.Generate(generator.Request{Event: "calltransfer.triggered", Seed: seed.Add(1)})
		if err != nil {
			return err
		}
		h := http.Header{}
		signer.Sign(h, ev.ID, time.Now(), ev.JSON)
		return c.post(h, ev.JSON)
	})
}

// rawClient is the least a client can do: request bytes written in one
// call to a pooled keep-alive conn, the answer read with http.ReadResponse.
// A yardstick only: no TLS, no proxies, no recovery from a broken conn.
type rawClient struct {
	host  string
	pool  chan *rawConn
	conns []net.Conn
}

type rawConn struct {
	net.Conn
	r   *bufio.Reader
	buf []byte
}

func newRawClient(b *testing.B, consumer *httptest.Server, n int) *rawClient {
	c := &rawClient{host: consumer.Listener.Addr().String(), pool: make(chan *rawConn, n)}
	for range n {
		nc, err := net.Dial("tcp", c.host)
		if err != nil {
			b.Fatal(err)
		}
		c.conns = append(c.conns, nc)
		c.pool <- &rawConn{Conn: nc, r: bufio.NewReader(nc)}
	}
	return c
}

func (c *rawClient) close() {
	for _, nc := range c.conns {
		nc.Close()
	}
}

// post sends body with the given extra headers and wants a 200.
func (c *rawClient) post(h http.Header, body []byte) error {
	rc := <-c.pool
	defer func() { c.pool <- rc }()
	b := append(rc.buf[:0], "POST / HTTP/1.1\r\nHost: "+c.host+"\r\nContent-Type: application/json\r\n"...)
	for k, v := range h {
		b = append(append(append(append(b, k...), ": "...), v[0]...), "\r\n"...)
	}
	b = append(strconv.AppendInt(append(b, "Content-Length: "...), int64(len(body)), 10), "\r\n\r\n"...)
	rc.buf = append(b, body...)
	if _, err := rc.Write(rc.buf); err != nil {
		return err
	}
	resp, err := http.ReadResponse(rc.r, nil)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return resp.Body.Close()
}

func trivialConsumer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
}
