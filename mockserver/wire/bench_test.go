package wire_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
)

// benchConsumer is the consumer the send benchmarks post to: a trivial
// loopback server in this process, or HOOKMOCK_BENCH_CONSUMER (an http URL
// on a loopback IP, e.g. internal/benchconsumer) so that the consumer's
// CPU is not charged to the sender.
func benchConsumer(b *testing.B) string {
	if u := os.Getenv("HOOKMOCK_BENCH_CONSUMER"); u != "" {
		p, err := url.Parse(u)
		if err != nil || net.ParseIP(p.Hostname()) == nil || !net.ParseIP(p.Hostname()).IsLoopback() {
			b.Fatalf("HOOKMOCK_BENCH_CONSUMER=%q: want an http URL on a loopback IP", u)
		}
		return u
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	b.Cleanup(srv.Close)
	return srv.URL
}

// benchInFlight runs b.N calls of do with n in flight and reports calls/s.
func benchInFlight(b *testing.B, n int, do func() error) {
	jobs := make(chan struct{}, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for range jobs {
				if err := do(); err != nil {
					b.Error(err)
				}
			}
		})
	}
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "sends/s")
}

// benchBody is the size of a calltransfer.triggered event.
var benchBody = bytes.Repeat([]byte("x"), 599)

var benchSecret = base64.StdEncoding.EncodeToString([]byte("a 32-byte secret for hookmock!!!"))

// BenchmarkSend is one signed delivery attempt as the provider makes it
// (wire.Send with a prepared signer, 64 in flight, the transport every
// hookmock sender uses), recorded.
func BenchmarkSend(b *testing.B) {
	consumer := benchConsumer(b)
	tr, err := wire.NewTransport(wire.TransportOptions{MaxIdleConns: 128})
	if err != nil {
		b.Fatal(err)
	}
	client := wire.NewClient(tr)
	defer client.CloseIdleConnections()
	s, err := signing.New(signing.Daily, benchSecret)
	if err != nil {
		b.Fatal(err)
	}
	t := wire.Target{URL: consumer, Scheme: signing.Daily, Secret: benchSecret, Signer: s}
	ctx := context.Background()
	benchInFlight(b, 64, func() error {
		att := wire.Send(ctx, client, t, wire.Request{MsgID: "m1", Body: benchBody, At: time.Now(), Timeout: 5 * time.Second, BodyLimit: 4 << 10})
		if att.Outcome != wire.OutcomeSuccess {
			return &sendError{att}
		}
		return nil
	})
}

type sendError struct{ att wire.Attempt }

func (e *sendError) Error() string {
	if e.att.Response != nil {
		return "status " + http.StatusText(e.att.Response.Status)
	}
	return e.att.Error
}
