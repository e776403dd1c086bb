package mockserver

import (
	"fmt"
	"net/http"
	"time"
)

// ServerTimeouts bound how long a connection may hold the server. Every
// zero field takes its default.
type ServerTimeouts struct {
	// ReadHeader bounds reading a request's headers (default 10 s).
	ReadHeader time.Duration
	// Read bounds reading a whole request, body included (default 30 s), so
	// a client that trickles a body cannot hold a connection.
	Read time.Duration
	// Write bounds writing a response (default 60 s). A streaming route
	// extends its own deadline with http.ResponseController.
	Write time.Duration
	// Idle bounds how long a keep-alive connection waits for its next
	// request (default 60 s).
	Idle time.Duration
	// MaxHeaderBytes bounds a request's headers (default 64 KiB); past it
	// the answer is 431.
	MaxHeaderBytes int
}

func (t ServerTimeouts) withDefaults() ServerTimeouts {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.ReadHeader, 10*time.Second)
	def(&t.Read, 30*time.Second)
	def(&t.Write, 60*time.Second)
	def(&t.Idle, 60*time.Second)
	if t.MaxHeaderBytes <= 0 {
		t.MaxHeaderBytes = 64 << 10
	}
	return t
}

// configure applies the timeouts to an http.Server.
func (t ServerTimeouts) configure(hs *http.Server) {
	hs.ReadHeaderTimeout, hs.ReadTimeout, hs.WriteTimeout, hs.IdleTimeout = t.ReadHeader, t.Read, t.Write, t.Idle
	hs.MaxHeaderBytes = t.MaxHeaderBytes
}

// Limits bound what a caller of the control and management APIs can make
// the provider hold or do. Each is named in the 4xx that enforces it, by
// its hookmock.yaml key under `limits:`. Every zero field takes its
// default.
type Limits struct {
	// MaxWait bounds every wait a caller asks for: a fault's gap or delay,
	// the first wait of the last duplicate copy, a reorder's hold and a
	// schedule's jitter (default 24 h).
	MaxWait time.Duration
	// MaxLiveDeliveries bounds deliveries not yet terminal (queued,
	// waiting, retrying, in flight; default 20,000). An event that would
	// pass it is refused whole with 429, and nothing of it is recorded.
	MaxLiveDeliveries int
	// MaxSetKeys bounds the overrides of one event, schedule or scenario
	// run (default 1,000).
	MaxSetKeys int
}

// Hard ceilings on settings, so that a typo in hookmock.yaml is an error at
// start rather than gigabytes allocated up front.
const (
	maxWorkers   = 4096
	maxQueueSize = 1 << 20
)

// MinScheduleInterval is the shortest `every`: the interval form of the
// rate cap schedule.MaxRate (10,000 firings a second).
const MinScheduleInterval = 100 * time.Microsecond

func (l Limits) withDefaults() Limits {
	if l.MaxWait <= 0 {
		l.MaxWait = 24 * time.Hour
	}
	if l.MaxLiveDeliveries <= 0 {
		l.MaxLiveDeliveries = 20_000
	}
	if l.MaxSetKeys <= 0 {
		l.MaxSetKeys = 1000
	}
	return l
}

// checkCounts refuses worker and queue counts past their ceilings.
func checkCounts(workers, queue int) error {
	if workers > maxWorkers {
		return fmt.Errorf("delivery.workers: %d is more than the most hookmock runs, %d", workers, maxWorkers)
	}
	if queue > maxQueueSize {
		return fmt.Errorf("delivery.queue: %d is more than the longest queue hookmock keeps, %d", queue, maxQueueSize)
	}
	return nil
}

// limitError is the 4xx of a limit: it names the setting.
func limitError(status int, field, setting string, format string, a ...any) *apiError {
	return &apiError{Status: status, Kind: errLimit, Info: fmt.Sprintf("%s: %s (limit %s)", field, fmt.Sprintf(format, a...), setting)}
}

const errLimit = "limit-exceeded"
