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
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/hookmock/hookmock/internal/benchrun"
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

// benchBody is the size of a calltransfer.triggered event.
var benchBody = bytes.Repeat([]byte("x"), 599)

var benchSecret = base64.StdEncoding.EncodeToString([]byte("a 32-byte secret for hookmock!!!"))

type sendError struct{ att wire.Attempt }

func (e *sendError) Error() string {
	if e.att.Response != nil {
		return "status " + http.StatusText(e.att.Response.Status)
	}
	return e.att.Error
}

// BenchmarkTransport decides hookmock's client by measurement: the same
// signed 599-byte POST, 64 in flight, to the same consumer.
//
//   - net-http is wire.Send as every hookmock sender calls it (the
//     transport of NewTransport sized for 128 idle connections).
//   - fasthttp is the same attempt through github.com/valyala/fasthttp:
//     signed into the header map the record keeps, sent, and its answer
//     turned into the record's form (status, http.Header, bounded body),
//     which is what adopting it would cost.
//   - fasthttp-bare is fasthttp with nothing recorded: the client's own
//     ceiling.
//
// Run the three interleaved, e.g.
//
//	go test -run '^$' -bench BenchmarkTransport -benchtime 20000x -benchmem -count 3 ./mockserver/wire/
//
// and with HOOKMOCK_BENCH_CONSUMER pointing at a consumer in another
// process to keep the consumer's CPU out of the figures.
func BenchmarkTransport(b *testing.B) {
	consumer := benchConsumer(b)
	s, err := signing.New(signing.Daily, benchSecret)
	if err != nil {
		b.Fatal(err)
	}
	t := wire.Target{URL: consumer, Scheme: signing.Daily, Secret: benchSecret, Signer: s}
	b.Run("net-http", func(b *testing.B) {
		tr, err := wire.NewTransport(wire.TransportOptions{MaxIdleConns: 128})
		if err != nil {
			b.Fatal(err)
		}
		client := wire.NewClient(tr)
		defer client.CloseIdleConnections()
		ctx := context.Background()
		benchrun.InFlight(b, 64, "sends/s", func() error {
			att := wire.Send(ctx, client, t, wire.Request{MsgID: "m1", Body: benchBody, At: time.Now(), Timeout: 5 * time.Second, BodyLimit: 4 << 10})
			if att.Outcome != wire.OutcomeSuccess {
				return &sendError{att}
			}
			return nil
		})
	})
	for _, record := range []bool{true, false} {
		name := "fasthttp"
		if !record {
			name = "fasthttp-bare"
		}
		b.Run(name, func(b *testing.B) {
			var policy wire.Policy
			d := policy.Dialer(30 * time.Second)
			client := &fasthttp.Client{
				MaxConnsPerHost:          128,
				NoDefaultUserAgentHeader: true,
				Dial:                     func(addr string) (net.Conn, error) { return d.Dial("tcp", addr) },
			}
			defer client.CloseIdleConnections()
			benchrun.InFlight(b, 64, "sends/s", func() error {
				att := fastSend(client, t, benchBody, 5*time.Second, 4<<10, record)
				if att.Outcome != wire.OutcomeSuccess {
					return &sendError{att}
				}
				return nil
			})
		})
	}
}

// fastSend is wire.Send's clean path through fasthttp, for the
// comparison only.
func fastSend(client *fasthttp.Client, t wire.Target, body []byte, timeout time.Duration, limit int, record bool) wire.Attempt {
	att := wire.Attempt{N: 1, At: time.Now(), Outcome: wire.OutcomeFailure}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(t.URL)
	req.Header.SetMethod(http.MethodPost)
	req.Header.SetContentType("application/json")
	req.Header.SetUserAgent(wire.UserAgent)
	h := make(http.Header, 4)
	t.Signer.Sign(h, "m1", att.At, body)
	for k, vs := range h {
		req.Header.Set(k, vs[0])
	}
	req.SetBodyRaw(body)
	start := time.Now()
	if err := client.DoTimeout(req, resp, timeout); err != nil {
		att.Error = err.Error()
		return att
	}
	att.Latency = time.Since(start)
	if record {
		h["Content-Type"], h["User-Agent"] = []string{"application/json"}, []string{wire.UserAgent}
		att.Request = wire.SentRequest{Method: http.MethodPost, URL: t.URL, Headers: h, Body: string(body)}
		rh := make(http.Header, resp.Header.Len())
		for k, v := range resp.Header.All() {
			key := http.CanonicalHeaderKey(string(k))
			rh[key] = append(rh[key], string(v))
		}
		rb := resp.Body()
		att.Response = &wire.GotResponse{Status: resp.StatusCode(), Headers: rh, Body: strings.Clone(string(rb[:min(len(rb), limit)])), BodyTruncated: len(rb) > limit}
	}
	if resp.StatusCode() == http.StatusOK {
		att.Outcome = wire.OutcomeSuccess
	}
	return att
}
