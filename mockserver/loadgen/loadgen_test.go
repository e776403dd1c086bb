package loadgen_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/hookmock/hookmock/mockserver/loadgen"
	"github.com/hookmock/hookmock/mockserver/scenario"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

var secret = base64.StdEncoding.EncodeToString([]byte("a load test secret of 32 bytes!!"))

// verifying is a consumer that checks every signature independently and
// answers 401 to a bad one.
func verifying(t *testing.T, answer int) (*httptest.Server, *atomic.Int64, *sync.Map) {
	var got atomic.Int64
	var ids sync.Map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := signing.Verify(signing.Daily, secret, r.Header, body, time.Now(), time.Minute); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		got.Add(1)
		ids.Store(wire.EventID(body), body)
		w.WriteHeader(answer)
	}))
	t.Cleanup(srv.Close)
	return srv, &got, &ids
}

func TestBoundedOpenLoopRun(t *testing.T) {
	// Registered first, so it runs after the consumer has closed.
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, before) })
	srv, got, ids := verifying(t, http.StatusOK)
	var snaps []loadgen.Snapshot
	rep, err := loadgen.Run(context.Background(), loadgen.Config{
		Target: wire.Target{URL: srv.URL, Scheme: signing.Daily, Secret: secret},
		Rate:   200, Duration: time.Second, Seed: 1,
		Progress: func(s loadgen.Snapshot) { snaps = append(snaps, s) }, ProgressEvery: 250 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sent != 200 || rep.OK != 200 || got.Load() != 200 || rep.Errors != 0 || rep.Missed != 0 {
		t.Fatalf("200/s for 1 s: sent %d, ok %d, consumer verified %d, errors %d (%v)", rep.Sent, rep.OK, got.Load(), rep.Errors, rep.ErrorsBy)
	}
	distinct := 0
	types := map[string]bool{}
	ids.Range(func(_, v any) bool {
		distinct++
		types[strings.SplitN(strings.SplitN(string(v.([]byte)), `"type":"`, 2)[1], `"`, 2)[0]] = true
		return true
	})
	daily, _ := spec.Default()
	if distinct != 200 || len(types) != len(daily.Events) {
		t.Errorf("%d distinct event ids, %d types (want 200 and %d)", distinct, len(types), len(daily.Events))
	}
	// Open loop never sends faster than asked; how close to the rate a
	// busy machine keeps is for the benchmark, not a timed test.
	if rep.Window < 990*time.Millisecond || rep.AchievedRate > 201 {
		t.Errorf("200 sends took %s (%.1f/s): faster than 200/s", rep.Window, rep.AchievedRate)
	}
	if l := rep.Latency; l.Min <= 0 || l.Min > l.P50 || l.P50 > l.P99 || l.P99 > l.Max {
		t.Errorf("latencies out of order: %+v", l)
	}
	if len(snaps) < 3 || snaps[len(snaps)-1].Sent != 200 || snaps[0].Sent == 0 || snaps[0].Rate == 0 {
		t.Errorf("progress: %+v", snaps)
	}
	var sum int64
	for _, b := range rep.Histogram {
		sum += b.Count
	}
	if sum != 200 {
		t.Errorf("histogram holds %d sends, want 200", sum)
	}
	var out bytes.Buffer
	rep.WriteText(&out)
	for _, want := range []string{"hookmock load: 200 sent to " + srv.URL, "ok 200   errors 0   missed 0", "p99 ", "statuses 200×200", "latency histogram"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

func TestMaxAndErrors(t *testing.T) {
	srv, _, _ := verifying(t, http.StatusTeapot)
	rep, err := loadgen.Run(context.Background(), loadgen.Config{
		Target: wire.Target{URL: srv.URL, Scheme: signing.Daily, Secret: secret},
		Rate:   1000, Duration: time.Minute, Max: 25, Event: "calltransfer.answered",
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sent != 25 || rep.Errors != 25 || rep.Statuses[http.StatusTeapot] != 25 || rep.Window > time.Second {
		t.Errorf("max 25: %+v", rep)
	}
	// A refused connection is an error of its own kind.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	rep, err = loadgen.Run(context.Background(), loadgen.Config{Target: wire.Target{URL: dead.URL}, Rate: 100, Duration: time.Second, Max: 5})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errors != 5 || rep.ErrorsBy["connection refused"] != 5 {
		t.Errorf("refused: %+v", rep.ErrorsBy)
	}
	for _, bad := range []loadgen.Config{
		{Target: wire.Target{URL: srv.URL}, Rate: 0, Duration: time.Second},
		{Target: wire.Target{URL: srv.URL}, Rate: 1, Duration: 0},
		{Target: wire.Target{URL: srv.URL}, Rate: 1, Duration: time.Second, Event: "calltransfer.nope"},
	} {
		if _, err := loadgen.Run(context.Background(), bad); err == nil {
			t.Errorf("%+v: accepted", bad)
		}
	}
}

func TestScenarioRuns(t *testing.T) {
	srv, got, ids := verifying(t, http.StatusOK)
	daily, _ := spec.Default()
	sc, err := scenario.Builtin(scenario.SIPCallTransfer, scenario.Options{Spec: daily})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := loadgen.Run(context.Background(), loadgen.Config{
		Target: wire.Target{URL: srv.URL, Scheme: signing.Daily, Secret: secret},
		Rate:   20, Duration: 250 * time.Millisecond, Scenario: sc, Seed: 3,
	})
	if err != nil {
		t.Fatal(err)
	}
	runs := 5
	if rep.Errors != 0 || rep.Sent < 4*runs || int(got.Load()) != rep.Sent {
		t.Fatalf("5 runs of %s: sent %d, verified %d, errors %v", sc.Name, rep.Sent, got.Load(), rep.ErrorsBy)
	}
	n := 0
	ids.Range(func(_, _ any) bool { n++; return true })
	if n != rep.Sent {
		t.Errorf("%d distinct ids for %d events", n, rep.Sent)
	}
}

// A run no longer than the pre-generation buffer has every event made
// before the clock starts, so no tick can find generation behind, however
// busy the machine; the report carries vegeta's figures.
func TestPreGeneratedSignedReport(t *testing.T) {
	srv, got, _ := verifying(t, http.StatusOK)
	rep, err := loadgen.Run(context.Background(), loadgen.Config{
		Target: wire.Target{URL: srv.URL, Scheme: signing.Daily, Secret: secret},
		Rate:   20_000, Duration: time.Minute, Max: 300, Seed: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.GenerationBehind != 0 || rep.Sent != 300 || got.Load() != 300 {
		t.Errorf("300 events, all generated ahead by default: %d ticks waited for generation, sent %d, verified %d", rep.GenerationBehind, rep.Sent, got.Load())
	}
	if rep.Signed != string(signing.Daily) || rep.Success != 1 || rep.Throughput <= 0 || rep.Throughput > rep.AchievedRate ||
		rep.Elapsed != rep.Window+rep.Wait || rep.Latency.P95 < rep.Latency.P90 || rep.Latency.P99 < rep.Latency.P95 {
		t.Errorf("report: %+v", rep)
	}
	var out bytes.Buffer
	rep.WriteText(&out)
	if !strings.Contains(out.String(), "requests 300   rate ") || !strings.Contains(out.String(), "success 100.00%   signed (daily)") {
		t.Errorf("summary:\n%s", out.String())
	}

	// A buffer smaller than the run: the producer keeps generating while
	// the senders send, and every event still arrives once, signed.
	small, gotSmall, ids := verifying(t, http.StatusOK)
	rep, err = loadgen.Run(context.Background(), loadgen.Config{
		Target: wire.Target{URL: small.URL, Scheme: signing.Daily, Secret: secret},
		Rate:   2_000, Duration: time.Minute, Max: 200, Ahead: 8, Seed: 5,
	})
	if err != nil {
		t.Fatal(err)
	}
	distinct := 0
	ids.Range(func(_, _ any) bool { distinct++; return true })
	if rep.OK != 200 || gotSmall.Load() != 200 || distinct != 200 {
		t.Errorf("200 events through an 8-event buffer: ok %d, verified %d, distinct ids %d", rep.OK, gotSmall.Load(), distinct)
	}

	// No secret: unsigned, and said so.
	var signed atomic.Int64
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(signing.DailySignatureHeader) != "" {
			signed.Add(1)
		}
	}))
	defer plain.Close()
	rep, err = loadgen.Run(context.Background(), loadgen.Config{Target: wire.Target{URL: plain.URL, Scheme: signing.Daily}, Rate: 200, Duration: time.Second, Max: 10})
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	rep.WriteText(&out)
	if rep.OK != 10 || rep.Signed != "" || signed.Load() != 0 || !strings.Contains(out.String(), "unsigned (no secret)") {
		t.Errorf("no secret: ok %d, signed %q, %d signature headers\n%s", rep.OK, rep.Signed, signed.Load(), out.String())
	}
}

// Latency counts from each tick's intended time: a consumer that stalls
// its only connection for 300 ms shows in every tick due during the stall,
// not just in the one request it held (coordinated omission would report
// the others' few microseconds of service time).
func TestLatencyFromIntendedTime(t *testing.T) {
	var first atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if first.CompareAndSwap(false, true) {
			time.Sleep(300 * time.Millisecond)
		}
	}))
	defer srv.Close()
	rep, err := loadgen.Run(context.Background(), loadgen.Config{Target: wire.Target{URL: srv.URL}, Rate: 100, Duration: time.Second, Max: 20, Connections: 1, Event: "calltransfer.triggered"})
	if err != nil {
		t.Fatal(err)
	}
	// Ticks are due every 10 ms from 0 to 190 ms and all wait for the
	// stalled connection until 300 ms: the median waited over 200 ms.
	if rep.OK != 20 || rep.Latency.P50 < 150*time.Millisecond || rep.Latency.Max < 290*time.Millisecond {
		t.Errorf("a 300 ms stall of the only connection: ok %d, latency %+v", rep.OK, rep.Latency)
	}
	// The wait for the connection is inside the request, so vegeta's
	// latency sees the stall too, and never more than from the due time.
	if s := rep.Service; s.Max < 290*time.Millisecond || s.P50 <= 0 || s.P50 > rep.Latency.P50 || s.Max > rep.Latency.Max {
		t.Errorf("service latency %+v beside latency %+v", s, rep.Latency)
	}
}

// MaxInFlight is the most senders a run keeps: with both held by a
// consumer that answers only when the client gives up, the consumer never
// sees more than two at once and the other ticks are missed, not queued.
func TestSenderPoolCap(t *testing.T) {
	var now, most atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := now.Add(1)
		defer now.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		// The body read, the server notices the client hang up.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	rep, err := loadgen.Run(context.Background(), loadgen.Config{Target: wire.Target{URL: srv.URL}, Rate: 100, Duration: time.Second, Max: 10,
		MaxInFlight: 2, Timeout: time.Second, Event: "calltransfer.triggered"})
	if err != nil {
		t.Fatal(err)
	}
	if most.Load() > 2 || rep.Sent+rep.Missed != 10 || rep.Missed == 0 || rep.ErrorsBy["no response within 1s"] != rep.Sent {
		t.Errorf("2 senders, 10 ticks in 90 ms, each held 1 s: at most %d at once at the consumer, sent %d, missed %d, errors %v",
			most.Load(), rep.Sent, rep.Missed, rep.ErrorsBy)
	}
}

func TestRateCapAndAhead(t *testing.T) {
	for _, c := range []struct {
		cfg  loadgen.Config
		want string
	}{
		{loadgen.Config{Target: wire.Target{URL: "http://127.0.0.1:9"}, Rate: loadgen.MaxRate() + 1, Duration: time.Second}, "per CPU"},
		{loadgen.Config{Target: wire.Target{URL: "http://127.0.0.1:9"}, Rate: 10, Duration: time.Second, Ahead: loadgen.MaxAhead + 1}, "ahead"},
		{loadgen.Config{Target: wire.Target{URL: "http://127.0.0.1:9", Scheme: signing.Daily, Secret: "not base64!"}, Rate: 10, Duration: time.Second}, "secret"},
	} {
		if _, err := loadgen.Run(context.Background(), c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("rate %v, ahead %d: %v; want an error naming %q", c.cfg.Rate, c.cfg.Ahead, err, c.want)
		}
	}
	if loadgen.MaxRate() <= 10_000 {
		t.Errorf("load's cap %v/s is no higher than a schedule's", loadgen.MaxRate())
	}
}

// A plain send carries what wire.Send would: the JSON content type, the
// scheme's user agent (hookmock's own for Daily), basic auth, a signature
// an independent check accepts, and Target.Header set after signing, so
// that it replaces a header signing wrote.
func TestPlainSendHeaders(t *testing.T) {
	type seen struct {
		ct, ua, auth, sig, extra string
		verified                 bool
	}
	got := make(chan seen, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- seen{r.Header.Get("Content-Type"), r.Header.Get("User-Agent"), r.Header.Get("Authorization"),
			r.Header.Get(signing.DailySignatureHeader), r.Header.Get("X-Extra"),
			signing.Verify(signing.Daily, secret, r.Header, body, time.Now(), time.Minute) == nil}
	}))
	defer srv.Close()
	target := wire.Target{URL: srv.URL, Scheme: signing.Daily, Secret: secret, BasicAuth: "dXNlcjpwYXNz"}
	rep, err := loadgen.Run(context.Background(), loadgen.Config{Target: target, Rate: 100, Duration: time.Second, Max: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := <-got
	if rep.OK != 1 || s.ct != "application/json" || s.ua != wire.UserAgent || s.auth != "Basic dXNlcjpwYXNz" || !s.verified {
		t.Errorf("plain send: ok %d, saw %+v", rep.OK, s)
	}
	target.Header = http.Header{"x-extra": {"1"}, signing.DailySignatureHeader: {"replaced"}}
	if _, err := loadgen.Run(context.Background(), loadgen.Config{Target: target, Rate: 100, Duration: time.Second, Max: 1}); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s.extra != "1" || s.sig != "replaced" || s.verified {
		t.Errorf("Target.Header after signing: saw %+v", s)
	}
}
