package loadgen

import (
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Latencies are kept in HdrHistogram (3 significant digits, 1 µs to 10
// minutes, so any percentile is within 0.1% of the truth at a fixed
// ~40 KB). Each latency is measured from the tick's intended send time,
// not from when the request actually left: a sender that falls behind
// (a late wake-up, a wait for a connection, an event not yet generated)
// shows as latency instead of silently sending later and measuring less.
// That is HdrHistogram's coordinated-omission correction done at the
// source, which an open-loop sender can do exactly; RecordCorrectedValue
// is the estimate a closed-loop one has to make instead.
const (
	histLowest  = int64(time.Microsecond)
	histHighest = int64(10 * time.Minute)
	histDigits  = 3
)

func newHist() *hdrhistogram.Histogram { return hdrhistogram.New(histLowest, histHighest, histDigits) }

// record clamps to the histogram's range; the exact extremes are kept
// beside it.
func recordIn(h *hdrhistogram.Histogram, d time.Duration) {
	_ = h.RecordValue(min(max(int64(d), histLowest), histHighest))
}

// recorder collects the outcome of every send, for the whole run and for
// the current progress window.
type recorder struct {
	mu     sync.Mutex
	all    *hdrhistogram.Histogram
	window *hdrhistogram.Histogram
	// service holds each request's own time, from when it started to its
	// answer: vegeta's latency, which leaves out any wait for a sender.
	service  *hdrhistogram.Histogram
	n        int64
	min, max time.Duration
	// The exact extremes of service.
	smin, smax time.Duration
	ok         int
	failed     int
	missed     int
	behind     int
	statuses   map[int]int
	errors     map[string]int
	maxLag     time.Duration
	sent       int // in the current window
}

func newRecorder() *recorder {
	return &recorder{all: newHist(), window: newHist(), service: newHist(), statuses: map[int]int{}, errors: map[string]int{}}
}

// record counts one outcome: latency from the tick's due time, service
// from the request's own start (0 when no request was made).
func (r *recorder) record(latency, service time.Duration, status int, errMsg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	recordIn(r.all, latency)
	if service > 0 {
		if r.service.TotalCount() == 0 || service < r.smin {
			r.smin = service
		}
		r.smax = max(r.smax, service)
		recordIn(r.service, service)
	}
	recordIn(r.window, latency)
	if r.n == 0 || latency < r.min {
		r.min = latency
	}
	r.max = max(r.max, latency)
	r.n++
	r.sent++
	if status != 0 {
		r.statuses[status]++
	}
	if status == 200 {
		r.ok++
		return
	}
	r.failed++
	if errMsg != "" {
		r.errors[errMsg]++
	}
}

func (r *recorder) miss() {
	r.mu.Lock()
	r.missed++
	r.mu.Unlock()
}

// fellBehind counts a tick that found no pre-generated event ready.
func (r *recorder) fellBehind() {
	r.mu.Lock()
	r.behind++
	r.mu.Unlock()
}

func (r *recorder) lag(d time.Duration) {
	r.mu.Lock()
	r.maxLag = max(r.maxLag, d)
	r.mu.Unlock()
}

// quantile is the q-quantile (0 < q ≤ 1) of h, clamped to the exact
// extremes.
func (r *recorder) quantile(h *hdrhistogram.Histogram, q float64) time.Duration {
	lo, hi := r.min, r.max
	if h == r.service {
		lo, hi = r.smin, r.smax
	}
	if h.TotalCount() == 0 {
		return 0
	}
	return min(max(time.Duration(h.ValueAtQuantile(q*100)), lo), hi)
}

// summary is h's percentiles, for the whole run.
func (r *recorder) summary(h *hdrhistogram.Histogram) Latency {
	l := Latency{Min: r.min, Max: r.max, P50: r.quantile(h, 0.5), P90: r.quantile(h, 0.9), P95: r.quantile(h, 0.95),
		P99: r.quantile(h, 0.99), P999: r.quantile(h, 0.999)}
	if h == r.service {
		l.Min, l.Max = r.smin, r.smax
	}
	if h.TotalCount() > 0 {
		l.Mean = time.Duration(h.Mean())
	}
	return l
}

// Snapshot is the progress of a run, about once a second.
type Snapshot struct {
	Elapsed time.Duration
	// Sent, OK, Errors and Missed count from the start.
	Sent, OK, Errors, Missed int
	InFlight                 int
	// Rate, P50 and P99 are over the last window (about a second).
	Rate     float64
	P50, P99 time.Duration
}

// snapshot reports and starts a new window.
func (r *recorder) snapshot(elapsed, window time.Duration, inFlight int) Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := Snapshot{Elapsed: elapsed, Sent: int(r.n), OK: r.ok, Errors: r.failed, Missed: r.missed, InFlight: inFlight,
		P50: r.quantile(r.window, 0.5), P99: r.quantile(r.window, 0.99)}
	if window > 0 {
		s.Rate = float64(r.sent) / window.Seconds()
	}
	r.window.Reset()
	r.sent = 0
	return s
}
