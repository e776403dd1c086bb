package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
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
	// MaxItems bounds each list a caller can grow: webhooks, schedules,
	// uploaded scenarios and action-error rules (default 1,000 each).
	MaxItems int
	// MaxScenarioRuns bounds the scenario runs going at once (default 100).
	MaxScenarioRuns int
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
	if l.MaxItems <= 0 {
		l.MaxItems = 1000
	}
	if l.MaxScenarioRuns <= 0 {
		l.MaxScenarioRuns = 100
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

// checkFaults bounds the waits that faults ask for. Overflowing sums are
// refused too: 100 copies 2562047h apart would wrap around to the past.
func (l Limits) checkFaults(fs []Fault) *fieldError {
	var delay time.Duration
	for _, f := range fs {
		if f.Kind == FaultDelay {
			delay = f.Gap
		}
	}
	for i, f := range fs {
		if err := f.Validate(); err != nil {
			return fieldErr(fmt.Sprintf("faults[%d]", i), "%v", err)
		}
		if f.Gap > l.MaxWait {
			return fieldErr(fmt.Sprintf("faults[%d].gap", i), "%s: %s is longer than the longest wait hookmock holds, %s (limit limits.maxWait)", f.Kind, f.Gap, l.MaxWait)
		}
		if f.Kind == FaultDuplicate && f.Gap > 0 && (l.MaxWait-delay)/f.Gap < time.Duration(f.Count) {
			return fieldErr(fmt.Sprintf("faults[%d].gap", i), "duplicate: the last of %d copies %s apart (after a delay of %s) would wait longer than %s (limit limits.maxWait)", f.Count, f.Gap, delay, l.MaxWait)
		}
	}
	return nil
}

// checkSet bounds the overrides of one request.
func (l Limits) checkSet(field string, n int) *apiError {
	if n > l.MaxSetKeys {
		return limitError(http.StatusBadRequest, field, "limits.maxSetKeys", "%d overrides; at most %d", n, l.MaxSetKeys)
	}
	return nil
}

// checkItems bounds a list a caller grows by one more.
func (l Limits) checkItems(what string, have int) error {
	if have >= l.MaxItems {
		return limitError(http.StatusTooManyRequests, strings.Fields(what)[0], "limits.maxItems", "%d %s are kept already; at most %d", have, what, l.MaxItems)
	}
	return nil
}

// checkSchedule bounds a schedule's pace: `every` no shorter than the rate
// cap allows, jitter no longer than the longest wait.
func (l Limits) checkSchedule(c ScheduleConfig) *fieldError {
	if c.Every > 0 && c.Every < MinScheduleInterval {
		return fieldErr("every", "%s is shorter than %s, the interval of the most a schedule fires (%d/s)", c.Every, MinScheduleInterval, int(1e9/MinScheduleInterval.Nanoseconds()))
	}
	if c.Jitter > l.MaxWait {
		return fieldErr("jitter", "%s is longer than the longest wait hookmock holds, %s (limit limits.maxWait)", c.Jitter, l.MaxWait)
	}
	if len(c.Set) > l.MaxSetKeys {
		return fieldErr("set", "%d overrides; at most %d (limit limits.maxSetKeys)", len(c.Set), l.MaxSetKeys)
	}
	return l.checkFaults(c.Faults)
}

// checkRun bounds a scenario run's overrides and fault waits.
func (p *Provider) checkRun(opts RunOptions) error {
	n := 0
	for _, kv := range opts.Set {
		n += len(kv)
	}
	if err := p.opts.Limits.checkSet("set", n); err != nil {
		return err
	}
	if fe := p.opts.Limits.checkFaults(opts.Faults); fe != nil {
		return badRequest(fe.Field, "%s", fe.Msg)
	}
	return nil
}

// addRunning records a new run unless max runs are going already.
func (s *scenarioState) addRunning(r *ScenarioRun, max int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	going := 0
	for _, x := range s.runs {
		select {
		case <-x.done:
		default:
			going++
		}
	}
	if going >= max {
		return limitError(http.StatusTooManyRequests, "run", "limits.maxScenarioRuns", "%d scenario runs are going; at most %d at once", going, max)
	}
	s.addLocked(r)
	return nil
}

// checkSetRaw refuses a `set` with more entries than MaxSetKeys before a
// single override of it is parsed: counting is a byte scan, so 40,000 keys
// cost a millisecond rather than seconds.
func (l Limits) checkSetRaw(field string, raws ...json.RawMessage) *apiError {
	n := 0
	for _, raw := range raws {
		n += countEntries(raw)
	}
	return l.checkSet(field, n)
}

// countEntries counts the members of a JSON object or the items of an
// array: the commas at its top level, plus one. It trusts that raw is
// valid JSON (the body decoded already) and answers 0 for anything else.
func countEntries(raw []byte) int {
	depth, n, inString, escaped, empty := 0, 0, false, false, true
	for _, c := range raw {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			continue
		case c == '}' || c == ']':
			depth--
			continue
		case c == ',' && depth == 1:
			n++
		}
		if depth == 1 && c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			empty = false
		}
	}
	if empty {
		return n
	}
	return n + 1
}
