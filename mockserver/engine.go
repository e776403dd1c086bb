package mockserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookmock/hookmock/mockserver/signing"
)

const userAgent = "hookmock (Daily webhook mock)"

// job is one delivery in flight: the event bytes and where they go. The
// record in the store is the durable view; the job carries what is needed
// to send again.
type job struct {
	id        string
	hook      string // webhook uuid
	eventType string
	eventID   string
	body      []byte
	attempt   int // attempts made so far
}

// engine sends deliveries with a pool of workers and schedules retries on
// the provider's clock.
type engine struct {
	p        *Provider
	queue    chan *job
	seq      atomic.Uint64
	wg       sync.WaitGroup // workers and retry timers
	ctx      context.Context
	cancel   context.CancelFunc
	live     liveCounter  // deliveries not yet terminal
	inflight atomic.Int64 // attempts being sent right now
	closing  atomic.Bool
	// enqueuing is held (shared) by every enqueue, so that shutdown can
	// wait for them before it drains the queue: nothing slips in after.
	enqueuing sync.RWMutex
}

// liveCounter counts live deliveries and says when there are none. Unlike a
// WaitGroup it may go from zero to one while someone waits.
type liveCounter struct {
	mu   sync.Mutex
	n    int
	idle chan struct{}
}

func (c *liveCounter) add() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == 0 || c.idle == nil {
		c.idle = make(chan struct{})
	}
	c.n++
}

func (c *liveCounter) done() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n--
	if c.n == 0 {
		close(c.idle)
	}
}

// zero returns a channel closed once no delivery is live.
func (c *liveCounter) zero() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == 0 {
		ch := make(chan struct{})
		close(ch)
		return ch
	}
	return c.idle
}

func (c *liveCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func newEngine(p *Provider) *engine {
	ctx, cancel := context.WithCancel(context.Background())
	e := &engine{p: p, queue: make(chan *job, p.opts.QueueSize), ctx: ctx, cancel: cancel}
	for range p.opts.Workers {
		e.wg.Add(1)
		go e.worker()
	}
	return e
}

var errClosed = errors.New("the mock server is shutting down")

// enqueue records a delivery per target webhook and queues the sends.
// Deliveries to FAILED webhooks are recorded as skipped at once.
func (e *engine) enqueue(ctx context.Context, eventType, eventID string, body []byte, faults []string) ([]string, error) {
	e.enqueuing.RLock()
	defer e.enqueuing.RUnlock()
	if e.closing.Load() {
		return nil, errClosed
	}
	active, failed := e.p.hooks.targets(eventType)
	now := e.p.clock.Now().UTC()
	ids := make([]string, 0, len(active)+len(failed))
	record := func(h Webhook, st Status, reason string) *Delivery {
		d := &Delivery{ID: e.nextID(), WebhookUUID: h.UUID, URL: h.URL, EventType: eventType, EventID: eventID,
			RetryType: h.RetryType, Status: st, Reason: reason, CreatedAt: now, UpdatedAt: now, Faults: faults, Attempts: []Attempt{}}
		e.p.store.Add(d)
		ids = append(ids, d.ID)
		return d
	}
	for _, h := range failed {
		record(h, StatusSkipped, "webhook is FAILED")
	}
	for _, h := range active {
		d := record(h, StatusPending, "")
		e.live.add()
		j := &job{id: d.ID, hook: h.UUID, eventType: eventType, eventID: eventID, body: body}
		select {
		case e.queue <- j:
		case <-ctx.Done():
			e.finish(j, StatusInterrupted, "not sent: "+ctx.Err().Error())
		case <-e.ctx.Done():
			e.finish(j, StatusInterrupted, "not sent: shutdown")
		}
	}
	return ids, nil
}

func (e *engine) nextID() string {
	return "dlv_" + strconv.FormatUint(e.seq.Add(1), 10)
}

func (e *engine) worker() {
	defer e.wg.Done()
	for {
		select {
		case j := <-e.queue:
			e.attempt(j)
		case <-e.ctx.Done():
			return
		}
	}
}

// finish moves a delivery to a terminal status, exactly once.
func (e *engine) finish(j *job, st Status, reason string) {
	now := e.p.clock.Now().UTC()
	e.p.store.Update(j.id, func(d *Delivery) {
		d.Status, d.Reason, d.UpdatedAt, d.NextAttemptAt = st, reason, now, nil
	})
	e.live.done()
}

// attempt sends once and decides what happens next.
func (e *engine) attempt(j *job) {
	if e.ctx.Err() != nil {
		e.finish(j, StatusInterrupted, "shutdown before sending")
		return
	}
	e.inflight.Add(1)
	defer e.inflight.Add(-1)
	state, exists := e.p.hooks.state(j.hook)
	switch {
	case !exists:
		e.finish(j, StatusSkipped, "webhook deleted")
		return
	case state == StateFailed:
		e.finish(j, StatusSkipped, "webhook is FAILED")
		return
	}
	hook, ok := e.p.hooks.get(j.hook)
	if !ok {
		e.finish(j, StatusSkipped, "webhook deleted")
		return
	}
	j.attempt++
	att := e.send(hook, j)
	if e.ctx.Err() != nil && att.Outcome != outcomeSuccess {
		// Cut off by shutdown: not the consumer's failure.
		e.p.store.Update(j.id, func(d *Delivery) { d.Attempts = append(d.Attempts, att) })
		e.finish(j, StatusInterrupted, "shutdown while sending")
		return
	}
	success := att.Outcome == outcomeSuccess
	newState, _ := e.p.hooks.outcome(j.hook, success, e.p.clock.Now().UTC(), e.p.opts.FailureThreshold)
	e.p.store.Update(j.id, func(d *Delivery) {
		d.Attempts = append(d.Attempts, att)
		d.UpdatedAt = att.At
	})
	e.p.log.Debug("attempt", "delivery", j.id, "webhook", j.hook, "n", att.N, "outcome", att.Outcome, "status", statusOf(att), "latency", att.Latency, "error", att.Error)
	if success {
		e.finish(j, StatusDelivered, "")
		return
	}
	if newState == StateFailed && hook.State != StateFailed {
		e.p.log.Warn("circuit breaker flipped: webhook FAILED", "webhook", j.hook, "url", hook.URL)
	}
	if hook.RetryType != RetryExponential {
		e.finish(j, StatusDropped, "circuit-breaker policy: every message is tried once, failures are not retried")
		return
	}
	if j.attempt > e.p.opts.Exponential.Retries {
		e.finish(j, StatusDropped, fmt.Sprintf("failed %d times (%d retries exhausted)", j.attempt, e.p.opts.Exponential.Retries))
		return
	}
	e.retryLater(j)
}

// retryLater waits on the provider's clock, so a virtual clock can run 15
// minutes of back-off in no time.
func (e *engine) retryLater(j *job) {
	delay := e.p.opts.Exponential.Delay(j.attempt)
	next := e.p.clock.Now().Add(delay).UTC()
	e.p.store.Update(j.id, func(d *Delivery) {
		d.Status, d.NextAttemptAt = StatusRetrying, &next
	})
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		if err := e.p.clock.Sleep(e.ctx, delay); err != nil {
			e.finish(j, StatusInterrupted, "shutdown while waiting to retry")
			return
		}
		e.p.store.Update(j.id, func(d *Delivery) { d.Status, d.NextAttemptAt = StatusPending, nil })
		select {
		case e.queue <- j:
		case <-e.ctx.Done():
			e.finish(j, StatusInterrupted, "shutdown while waiting to retry")
		}
	}()
}

const (
	outcomeSuccess = "success"
	outcomeFailure = "failure"
)

func statusOf(a Attempt) int {
	if a.Response == nil {
		return 0
	}
	return a.Response.Status
}

// send makes one attempt of a queued delivery.
func (e *engine) send(hook Webhook, j *job) Attempt {
	msgID := j.eventID
	if msgID == "" {
		// Standard Webhooks needs a message id; events without an envelope
		// id get the delivery's, which is stable across retries.
		msgID = j.id
	}
	t := Target{URL: hook.URL, Scheme: hook.Signing, Secret: hook.HMAC, BasicAuth: hook.BasicAuth}
	att := Send(e.ctx, e.p.client, t, msgID, j.body, e.p.clock.Now().UTC(), e.p.opts.DeliveryTimeout, e.p.opts.ResponseBodyLimit)
	att.N = j.attempt
	if att.Response != nil && e.p.opts.success(att.Response.Status) {
		att.Outcome = outcomeSuccess
	}
	return att
}

// Target is where and how a delivery is sent.
type Target struct {
	URL string
	// Scheme and Secret sign the delivery; an empty Secret sends it unsigned.
	Scheme    signing.Scheme
	Secret    string
	BasicAuth string
}

// Send makes one signed POST of body to t and records the exchange. The
// body bytes are the signed bytes. The outcome is left as failure unless
// the status is 200; callers with other success rules re-judge it.
func Send(ctx context.Context, client *http.Client, t Target, msgID string, body []byte, at time.Time, timeout time.Duration, bodyLimit int) Attempt {
	att := Attempt{N: 1, At: at, Outcome: outcomeFailure}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		att.Error = err.Error()
		return att
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if t.BasicAuth != "" {
		req.Header.Set("Authorization", "Basic "+t.BasicAuth)
	}
	if t.Secret != "" {
		s, err := signing.New(t.Scheme, t.Secret)
		if err != nil {
			att.Error = "cannot sign: " + err.Error()
			return att
		}
		s.Sign(req.Header, msgID, at, body)
	}
	att.Request = SentRequest{Method: req.Method, URL: t.URL, Headers: req.Header.Clone(), Body: string(body)}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		att.Latency = time.Since(start)
		att.LatencyMS = ms(att.Latency)
		att.Error = err.Error()
		if errors.Is(err, context.DeadlineExceeded) {
			att.Error = fmt.Sprintf("no response within %s", timeout)
		}
		return att
	}
	rbody, truncated, rerr := readLimited(resp.Body, bodyLimit)
	resp.Body.Close()
	att.Latency = time.Since(start)
	att.LatencyMS = ms(att.Latency)
	att.Response = &GotResponse{Status: resp.StatusCode, Headers: resp.Header, Body: string(rbody), BodyTruncated: truncated}
	if rerr != nil {
		att.Error = "reading the response: " + rerr.Error()
	}
	if resp.StatusCode == http.StatusOK {
		att.Outcome = outcomeSuccess
	}
	return att
}

// readLimited keeps the first limit bytes of a response and drains a
// bounded amount more, so that keep-alive survives ordinary responses and a
// huge body cannot hold a worker.
func readLimited(r io.Reader, limit int) ([]byte, bool, error) {
	buf, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	truncated := len(buf) > limit
	if truncated {
		buf = buf[:limit]
		_, _ = io.Copy(io.Discard, io.LimitReader(r, 1<<20))
	}
	return buf, truncated, err
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// settle waits until every delivery is terminal or ctx ends.
func (e *engine) settle(ctx context.Context) error {
	select {
	case <-e.live.zero():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%d deliveries still live: %w", e.live.count(), ctx.Err())
	}
}

// shutdown stops taking events, lets queued and in-flight sends finish
// until ctx ends, then stops workers and retry timers. Whatever is still
// live then is recorded as interrupted, so that no delivery is lost.
func (e *engine) shutdown(ctx context.Context) {
	e.closing.Store(true)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for len(e.queue) > 0 || e.inflight.Load() > 0 {
		select {
		case <-ctx.Done():
		case <-tick.C:
			continue
		}
		break
	}
	e.cancel()
	e.enqueuing.Lock() // every enqueue has returned; none can start
	defer e.enqueuing.Unlock()
	e.wg.Wait()
	for {
		select {
		case j := <-e.queue:
			e.finish(j, StatusInterrupted, "shutdown before sending")
		default:
			return
		}
	}
}
