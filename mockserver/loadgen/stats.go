package loadgen

import (
	"math"
	"sync"
	"time"
)

// hist is a log-bucketed latency histogram: 2% wide buckets from 1µs to
// about 6 minutes, so percentiles are within 2% of the truth at any scale
// and recording costs one logarithm.
type hist struct {
	counts   [histBuckets]int64
	n        int64
	sum      time.Duration
	min, max time.Duration
}

const (
	histBuckets = 1000
	histGrowth  = 1.02
)

var logGrowth = math.Log(histGrowth)

func bucketOf(d time.Duration) int {
	if d < time.Microsecond {
		return 0
	}
	b := int(math.Log(float64(d)/float64(time.Microsecond)) / logGrowth)
	return min(b, histBuckets-1)
}

// bucketValue is the geometric middle of a bucket.
func bucketValue(b int) time.Duration {
	return time.Duration(float64(time.Microsecond) * math.Pow(histGrowth, float64(b)+0.5))
}

func (h *hist) add(d time.Duration) {
	h.counts[bucketOf(d)]++
	if h.n == 0 || d < h.min {
		h.min = d
	}
	h.max = max(h.max, d)
	h.n++
	h.sum += d
}

// quantile returns the q-quantile (0 < q ≤ 1), clamped to the exact
// minimum and maximum.
func (h *hist) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(h.n)))
	var seen int64
	for b, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(max(bucketValue(b), h.min), h.max)
		}
	}
	return h.max
}

func (h *hist) mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return h.sum / time.Duration(h.n)
}

// recorder collects the outcome of every send, for the whole run and for
// the current progress window.
type recorder struct {
	mu       sync.Mutex
	all      hist
	window   hist
	ok       int
	failed   int
	missed   int
	statuses map[int]int
	errors   map[string]int
	maxLag   time.Duration
	sent     int // in the current window
}

func newRecorder() *recorder {
	return &recorder{statuses: map[int]int{}, errors: map[string]int{}}
}

func (r *recorder) record(latency time.Duration, status int, errMsg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all.add(latency)
	r.window.add(latency)
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

func (r *recorder) lag(d time.Duration) {
	r.mu.Lock()
	r.maxLag = max(r.maxLag, d)
	r.mu.Unlock()
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
	s := Snapshot{Elapsed: elapsed, Sent: int(r.all.n), OK: r.ok, Errors: r.failed, Missed: r.missed, InFlight: inFlight,
		P50: r.window.quantile(0.5), P99: r.window.quantile(0.99)}
	if window > 0 {
		s.Rate = float64(r.sent) / window.Seconds()
	}
	r.window = hist{}
	r.sent = 0
	return s
}
