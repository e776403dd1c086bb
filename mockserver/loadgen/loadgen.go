// Package loadgen pushes a webhook consumer with generated, signed events
// at an open-loop rate: sends start on schedule whether or not earlier ones
// have been answered, the way a provider's traffic arrives, so a slow
// consumer shows up as latency rather than as a slower test. It is
// bounded in time and count, and reports latency percentiles and a
// histogram. `hookmock load` is its command line.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/scenario"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

// Config is one load run.
type Config struct {
	Target wire.Target
	// Rate is sends per second (scenario runs per second with Scenario).
	Rate float64
	// Duration bounds the time spent starting sends; Max, if set, bounds
	// their number. Whichever comes first ends the run.
	Duration time.Duration
	Max      int
	// Event is the event to send; empty cycles through the contract's
	// events. Scenario, if set, plays that scenario per tick instead,
	// its events back to back.
	Event    string
	Scenario *scenario.Scenario
	Spec     *spec.Spec
	Seed     uint64
	// Timeout bounds each request (default 5 s).
	Timeout time.Duration
	// MaxInFlight caps concurrent sends (default DefaultMaxInFlight): it is
	// the most senders the run keeps. A tick that finds them all busy is
	// counted as missed, not queued, so the rate stays honest.
	MaxInFlight int
	// Connections caps the connections to the consumer (default 64); sends
	// beyond it wait for one, and the wait counts as latency. Without a cap
	// a hiccup opens hundreds of connections at once, and the handshakes
	// deepen the hiccup.
	Connections int
	// Client sends the requests; nil uses wire's client with Connections
	// connections. Plain sends go straight to its Transport (nil:
	// http.DefaultTransport), scenario steps through Do; neither follows a
	// redirect, and Timeout bounds each request.
	Client *http.Client
	// CAFile adds PEM certificates to trust for an https Target, when
	// Client is nil.
	CAFile string
	// Ahead is how many events are generated before the first tick; a
	// producer goroutine keeps generating into that buffer during the run
	// if the run has more ticks, so a tick waits for generation only when
	// generation is slower than the rate. The default is ten seconds of the
	// rate, at least 1,024 and at most MaxAhead, and never more than the
	// run has ticks: a run of up to ten seconds generates nothing while it
	// sends, so generation's CPU is not taken from the senders (a fifth of
	// it at 10,000/s on 2 cores), and a long slow run does not hold an
	// hour of events. Scenario runs generate in line.
	Ahead int
	// Progress, if set, is called about every ProgressEvery (default 1 s).
	Progress      func(Snapshot)
	ProgressEvery time.Duration
}

// DefaultMaxInFlight is the most sends a run has in flight unless told
// otherwise: 4,096 holds 100 ms of latency at 40,000/s (in flight = rate ×
// latency), so at any rate this machine's cap allows, ticks are missed only
// once answers take longer than that; the p99 bar of 50 ms fails first.
// With 1,024, a run at 24,000/s would miss ticks once answers take 43 ms,
// inside the bar. A sender is a goroutine and a request, about 12 KB.
const DefaultMaxInFlight = 4096

// MaxAhead bounds the pre-generation buffer: 65,536 events, about 64 MB of
// calltransfer-sized bodies at most.
const MaxAhead = 65_536

// MaxRatePerCPU is the most sends per second per CPU that load accepts:
// the cap is MaxRatePerCPU × GOMAXPROCS (40,000/s on a 2-core machine),
// so it moves with the machine. It was set by measurement (docs/performance.md,
// 2026-12-02): against a consumer in another process that
// answers at once, load on this project's 2-core machine started at most
// 15,000 signed sends/s (7,500/s per CPU, with the machine shared, load
// average 25). The cap sits at about 2.5 times that, headroom for a quiet
// machine; beyond it a rate is wishful whatever the consumer, and below it
// a rate the machine cannot keep shows as a lower achieved rate, missed
// ticks and latency, never as a quietly slower run.
const MaxRatePerCPU = 20_000

// MaxRate is the highest rate Run accepts on this machine.
func MaxRate() float64 { return float64(MaxRatePerCPU * runtime.GOMAXPROCS(0)) }

// Run sends the load and returns its report. It returns early, with the
// report so far, when ctx ends.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	p, err := newPoster(cfg)
	if err != nil {
		return nil, err
	}
	l := &load{cfg: cfg, rec: newRecorder(), post: p, gen: generator.New(cfg.Spec, generator.WithClock(clock.Real{}))}
	if cfg.Event == "" && cfg.Scenario == nil {
		l.events = cfg.Spec.Events
	} else if cfg.Event != "" {
		e, err := l.gen.Lookup(cfg.Event)
		if err != nil {
			return nil, err
		}
		l.events = []*spec.Event{e}
	}
	return l.run(ctx), nil
}

func (c Config) withDefaults() (Config, error) {
	switch {
	case c.Target.URL == "":
		return c, errors.New("no target URL")
	case c.Rate <= 0:
		return c, fmt.Errorf("rate %v: want a positive number of sends per second", c.Rate)
	case c.Rate > MaxRate():
		return c, fmt.Errorf("rate %v/s is above what load can send from this machine: %d/s per CPU × %d CPUs = %v/s (MaxRatePerCPU, set by measurement)",
			c.Rate, MaxRatePerCPU, runtime.GOMAXPROCS(0), MaxRate())
	case c.Ahead < 0 || c.Ahead > MaxAhead:
		return c, fmt.Errorf("ahead %d: want 0 (the default) to %d events", c.Ahead, MaxAhead)
	case c.Duration <= 0:
		return c, fmt.Errorf("duration %v: want a positive duration; load runs are bounded", c.Duration)
	case c.Max < 0:
		return c, fmt.Errorf("max %d: cannot be negative", c.Max)
	case c.Event != "" && c.Scenario != nil:
		return c, errors.New("give an event or a scenario, not both")
	}
	if c.Spec == nil {
		s, err := spec.Default()
		if err != nil {
			return c, err
		}
		c.Spec = s
	}
	if c.Timeout <= 0 {
		c.Timeout = 5 * time.Second
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	if c.Connections <= 0 {
		c.Connections = 64
	}
	if c.Ahead == 0 {
		// run trims it to the run's ticks
		c.Ahead = min(max(int(10*c.Rate), 1024), MaxAhead)
	}
	if c.Target.Secret != "" && c.Target.Signer == nil {
		// One signer for the run: decoding the key per request costs
		// more than the signature.
		s, err := signing.NewWith(c.Target.Scheme, c.Target.Params, c.Target.Secret)
		if err != nil {
			return c, fmt.Errorf("secret: %w", err)
		}
		c.Target.Signer = s
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = time.Second
	}
	if c.Client == nil {
		t, err := wire.NewTransport(wire.TransportOptions{CAFile: c.CAFile})
		if err != nil {
			return c, err
		}
		t.MaxIdleConns, t.MaxIdleConnsPerHost, t.MaxConnsPerHost = c.Connections, c.Connections, c.Connections
		c.Client = wire.NewClient(t)
	}
	return c, nil
}

type load struct {
	cfg      Config
	rec      *recorder
	gen      *generator.Generator
	post     *poster
	events   []*spec.Event
	inFlight atomic.Int64
	// ready holds the events generated ahead, in tick order.
	ready chan ready
}

// tick is one send (or scenario run) due at a moment fixed from the start.
type tick struct {
	i   int
	due time.Time
}

// ready is one pre-generated event, or why it could not be generated.
type ready struct {
	id   string
	body []byte
	err  error
}

// ticks is how many ticks the run has at most.
func (l *load) ticks() int {
	n := int(min(l.cfg.Duration.Seconds()*l.cfg.Rate+1, float64(1<<31-1)))
	if l.cfg.Max > 0 {
		n = min(n, l.cfg.Max)
	}
	return n
}

// produce generates the run's events in tick order into l.ready until
// all are made or ctx ends, and closes filled once the buffer is full (or
// the run's last event is in it), so that the clock starts with it full.
func (l *load) produce(ctx context.Context, filled chan<- struct{}) {
	n := l.ticks()
	signal := func() {
		if filled != nil {
			close(filled)
			filled = nil
		}
	}
	defer signal()
	for i := 0; i < n; i++ {
		res, err := l.gen.Generate(generator.Request{Def: l.events[i%len(l.events)], Seed: l.cfg.Seed + uint64(i)})
		r := ready{err: err}
		if err == nil {
			r.id, r.body = res.ID, res.JSON
		}
		if len(l.ready) == cap(l.ready) {
			signal()
		}
		select {
		case l.ready <- r:
		case <-ctx.Done():
			return
		}
	}
}

func (l *load) run(ctx context.Context) *Report {
	if l.cfg.Scenario == nil {
		pctx, stopProducer := context.WithCancel(ctx)
		defer stopProducer()
		l.ready = make(chan ready, min(l.cfg.Ahead, l.ticks()))
		filled := make(chan struct{})
		go l.produce(pctx, filled)
		select {
		case <-filled:
		case <-ctx.Done():
		}
		// Collect generation's garbage now rather than in the first
		// seconds of sending.
		runtime.GC()
	}
	start := time.Now()
	progressDone := l.progress(ctx, start)
	// A pool of senders fed by the clock, grown on demand up to
	// MaxInFlight, as vegeta's attacker is: a goroutine per tick would
	// start each send on a fresh stack and grow it again (5% of the CPU
	// at 10,000/s), where a pooled sender keeps its grown stack. The pool
	// starts with one sender per connection.
	var wg sync.WaitGroup
	ticks := make(chan tick)
	senders := 0
	spawn := func(first tick) {
		senders++
		wg.Add(1)
		go l.sender(ctx, first, ticks, &wg)
	}
	for range min(l.cfg.Connections, l.cfg.MaxInFlight) {
		spawn(tick{i: -1})
	}
	timer := time.NewTimer(0)
	<-timer.C
	n := 0
	var last time.Time // when the last tick was dispatched
	for ; l.cfg.Max == 0 || n < l.cfg.Max; n++ {
		// Each send's moment is fixed from the start, so a late wake-up
		// sends the overdue ones at once instead of drifting the rate.
		due := start.Add(time.Duration(float64(n) / l.cfg.Rate * float64(time.Second)))
		if due.Sub(start) >= l.cfg.Duration {
			break
		}
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			break
		}
		last = time.Now()
		l.rec.lag(last.Sub(due))
		t := tick{i: n, due: due}
		select {
		case ticks <- t: // an idle sender took it
			continue
		default:
		}
		if senders < l.cfg.MaxInFlight {
			spawn(t)
			continue
		}
		l.rec.miss()
	}
	close(ticks)
	// The window is up to the end of the last tick's slot: exactly the
	// duration for a sender that kept time, longer for one that lagged.
	window := time.Since(start)
	if !last.IsZero() {
		window = last.Sub(start) + time.Duration(float64(time.Second)/l.cfg.Rate)
	}
	wg.Wait()
	progressDone()
	if t, ok := l.cfg.Client.Transport.(*http.Transport); ok {
		t.CloseIdleConnections()
	}
	return l.report(n, window, time.Since(start))
}

// progress calls cfg.Progress every ProgressEvery until the returned stop
// function is called; stop reports once more, for the end of the run.
func (l *load) progress(ctx context.Context, start time.Time) func() {
	if l.cfg.Progress == nil {
		return func() {}
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(l.cfg.ProgressEvery)
		defer t.Stop()
		last := start
		for {
			select {
			case now := <-t.C:
				l.cfg.Progress(l.rec.snapshot(now.Sub(start), now.Sub(last), int(l.inFlight.Load())))
				last = now
			case <-stop:
				now := time.Now()
				l.cfg.Progress(l.rec.snapshot(now.Sub(start), now.Sub(last), int(l.inFlight.Load())))
				return
			}
		}
	}()
	return func() { close(stop); <-done }
}

// sender sends first (unless it is the placeholder, i < 0), then every
// tick it is handed, until ticks closes.
func (l *load) sender(ctx context.Context, first tick, ticks <-chan tick, wg *sync.WaitGroup) {
	defer wg.Done()
	for t, ok := first, true; ok; t, ok = <-ticks {
		if t.i < 0 {
			continue
		}
		l.inFlight.Add(1)
		l.unit(ctx, t.i, t.due)
		l.inFlight.Add(-1)
	}
}

// unit sends tick i: the next pre-generated event, or one scenario run.
// Sends overlap, so tick i may carry another tick's event; every event is
// sent once.
func (l *load) unit(ctx context.Context, i int, due time.Time) {
	if l.cfg.Scenario != nil {
		l.playScenario(ctx, l.cfg.Seed+uint64(i), due)
		return
	}
	var ev ready
	select {
	case ev = <-l.ready:
	default:
		// Generation is behind the rate: wait, and let the wait show in
		// this tick's latency, which counts from due.
		l.rec.fellBehind()
		select {
		case ev = <-l.ready:
		case <-ctx.Done():
			l.rec.record(time.Since(due), 0, 0, "stopped before the event was generated")
			return
		}
	}
	if ev.err != nil {
		l.rec.record(time.Since(due), 0, 0, "generating: "+ev.err.Error())
		return
	}
	began := time.Now()
	status, err := l.post.post(ctx, ev.id, ev.body)
	lat, service := time.Since(due), time.Since(began)
	switch {
	case status == 0:
		l.rec.record(lat, service, 0, errorClass(err.Error()))
	case wire.IsRedirect(status):
		l.rec.record(lat, service, status, wire.RedirectNotSuccess)
	default:
		l.rec.record(lat, service, status, "")
	}
}

// sendFaults posts one scenario event with its step's faults and records
// its latency from since: the moment it was due.
func (l *load) sendFaults(ctx context.Context, id string, body []byte, since time.Time, faults []wire.Fault) {
	r := wire.Request{MsgID: id, Body: body, At: time.Now(), Timeout: l.cfg.Timeout, BodyLimit: 256}
	began := r.At
	att, _, err := wire.SendFaults(ctx, l.cfg.Client, l.cfg.Target, r, faults)
	lat, service := time.Since(since), time.Since(began)
	switch {
	case err != nil:
		l.rec.record(lat, service, 0, err.Error())
	case att.Response == nil:
		l.rec.record(lat, service, 0, errorClass(att.Error))
	case wire.IsRedirect(att.Response.Status):
		l.rec.record(lat, service, att.Response.Status, wire.RedirectNotSuccess)
	default:
		l.rec.record(lat, service, att.Response.Status, "")
	}
}
