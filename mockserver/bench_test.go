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
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/internal/benchrun"
	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

// BenchmarkDeliveryEndToEnd measures the whole path: generate, validate,
// sign, POST to a trivial loopback consumer with 64 in flight, record.
// b.N events are triggered; the figure is events/s.
//
// HOOKMOCK_BENCH_CONSUMER, if set, is the URL of a consumer in another
// process to use instead (loopback only), so that the consumer's CPU is
// not charged to the benchmark: scripts/bench-side-by-side.sh points it
// and wrk at the same one.
func BenchmarkDeliveryEndToEnd(b *testing.B) {
	consumerURL := os.Getenv("HOOKMOCK_BENCH_CONSUMER")
	if consumerURL == "" {
		consumer := trivialConsumer()
		defer consumer.Close()
		consumerURL = consumer.URL
	} else if u, err := url.Parse(consumerURL); err != nil || net.ParseIP(u.Hostname()) == nil || !net.ParseIP(u.Hostname()).IsLoopback() {
		b.Fatalf("HOOKMOCK_BENCH_CONSUMER=%q: want an http URL on a loopback IP", consumerURL)
	}
	srv, err := mockserver.New(mockserver.Options{Seed: 1, Workers: 64, MaxDeliveries: 10_000})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	body, _ := json.Marshal(map[string]any{"url": consumerURL})
	req, _ := http.NewRequest("POST", srv.URL+"/v1/webhooks", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer x")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		b.Fatal(err, resp.Status)
	}
	resp.Body.Close()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		if _, err := srv.Trigger(ctx, "calltransfer.triggered"); err != nil {
			b.Fatal(err)
		}
	}
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := srv.Settle(sctx); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	if n := len(srv.Deliveries(mockserver.Filter{Status: mockserver.StatusDelivered})); n == 0 {
		b.Fatal("nothing delivered")
	}
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
		consumer := trivialConsumer()
		defer consumer.Close()
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns, t.MaxIdleConnsPerHost = 128, 128
		client := &http.Client{Transport: t}
		defer client.CloseIdleConnections()
		benchrun.InFlight(b, 64, "requests/s", func() error {
			resp, err := client.Post(consumer.URL, "application/json", bytes.NewReader(body))
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
