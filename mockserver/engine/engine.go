package engine

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
)

// job is one delivery in flight: the event bytes and where they go. The
// record in the store is the durable view; the job carries what is needed
// to send again.
type job struct {
	id        string
	hook      string // webhook uuid
	eventType string
	eventID   string
	body      []byte
	attempt   int    // attempts made so far
	seq       uint64 // creation order, for reorder windows
	plan      *FaultPlan
	sent      bool      // an attempt has gone on the wire
	due       time.Time // when the work is due, on the provider's clock
	stored    []byte    // the encoded job, for the store's work row
	// busy releases the job's mark on a virtual clock: held from enqueue
	// or a timer's firing until the job ends or waits on the clock again,
	// so that an advance fires the next due time only after this attempt.
	busy func()
	// premarked: the write that recorded the delivery also marked its
	// first attempt as on the wire, because a worker was free to send it
	// at once; that attempt needs no mark of its own.
	premarked bool
}

// idle releases j's busy mark, if it holds one.
func (j *job) idle() {
	if j.busy != nil {
		j.busy()
		j.busy = nil
	}
}

// Engine sends deliveries with a pool of workers and schedules retries on
// the provider's clock.
type Engine struct {
	cfg      Config
	store    *deliveryLog
	queue    chan *job
	wg       sync.WaitGroup // workers, retry timers, delayed and held deliveries
	ctx      context.Context
	cancel   context.CancelFunc
	live     liveCounter  // deliveries not yet terminal
	inflight atomic.Int64 // attempts being sent right now
	// free counts workers waiting for a job, less the jobs already
	// promised one (premarked): a new delivery that finds one marks its
	// first attempt in the write that records it (see premark).
	free atomic.Int64
	// sending holds a slot for each attempt on the wire: at most Workers at
	// once, whatever the store. On a durable store there are twice as many
	// workers as slots, so that while Workers attempts are on the wire the
	// others wait for their marks to commit, not for a slot to free up
	// first (measured: see "mark-ahead" in docs/performance.md).
	sending chan struct{}
	closing atomic.Bool
	// enqueuing is held (shared) by every enqueue, so that shutdown can
	// wait for them before it drains the queue: nothing slips in after.
	enqueuing sync.RWMutex
	reorder   reorderer
	ids       idBlock
	signers   signers
}

// idBlock hands out delivery numbers from blocks reserved in the store, so
// that ids stay unique across restarts and replicas without a store round
// trip per delivery.
type idBlock struct {
	mu        sync.Mutex
	next, end uint64
}

const idBlockSize = 1000

func (b *idBlock) take(s store.Store) (uint64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.next == b.end {
		v, err := s.Add(context.Background(), "delivery.ids", idBlockSize)
		if err != nil {
			return 0, fmt.Errorf("store %s: reserving delivery ids: %w", s.Location(), err)
		}
		b.next, b.end = uint64(v)-idBlockSize, uint64(v)
	}
	b.next++
	return b.next, nil
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

// reserve counts n more live deliveries, or none if that would pass max.
func (c *liveCounter) reserve(n, max int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n == 0 {
		return nil
	}
	if c.n+n > max {
		return &LiveLimitError{Live: c.n, Need: n, Max: max}
	}
	if c.n == 0 || c.idle == nil {
		c.idle = make(chan struct{})
	}
	c.n += n
	return nil
}

// release undoes a reserve whose event was not recorded.
func (c *liveCounter) release(n int) {
	for range n {
		c.done()
	}
}

func (c *liveCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// New starts the engine's workers and, on a durable store, its keeper of
// leases, which takes over the work other processes left; call Shutdown
// when done.
func New(cfg Config) *Engine {
	if cfg.Headers == nil {
		cfg.Headers = func(string, string, signing.Scheme) http.Header { return nil }
	}
	if cfg.Observe == nil {
		cfg.Observe = func(*wire.Delivery, int) {}
	}
	if cfg.WebhookFailed == nil {
		cfg.WebhookFailed = func(Webhook) {}
	}
	if cfg.FollowClock == nil {
		cfg.FollowClock = func() error { return nil }
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Engine{cfg: cfg, store: newDeliveryLog(cfg.Store, cfg.Owner, cfg.Lease, cfg.Log), queue: make(chan *job, cfg.QueueSize), ctx: ctx, cancel: cancel}
	e.store.observe = cfg.Observe
	e.sending = make(chan struct{}, cfg.Workers)
	workers := cfg.Workers
	if e.store.durable() && cfg.Workers > 1 {
		// One worker sends in order, mark and all: no second to mark
		// ahead of it.
		workers *= 2
	}
	for range workers {
		e.wg.Add(1)
		go e.worker()
	}
	if e.store.durable() {
		e.wg.Add(1)
		go e.keep()
	}
	return e
}

// Enqueue records a delivery per target webhook (and per duplicate copy)
// and queues the sends. Deliveries to FAILED webhooks are recorded as
// skipped at once.
func (e *Engine) Enqueue(ctx context.Context, eventType, eventID string, body []byte, plan *FaultPlan) ([]string, error) {
	e.enqueuing.RLock()
	defer e.enqueuing.RUnlock()
	if e.closing.Load() {
		return nil, ErrClosed
	}
	active, failed := e.cfg.Hooks.targets(eventType)
	copies := 0
	if f, ok := plan.Get(wire.FaultDuplicate); ok {
		copies = f.Count
	}
	// Reserve the whole event's live deliveries first, so that an event
	// past the cap is refused whole rather than half recorded.
	if err := e.live.reserve(len(active)*(1+copies), e.cfg.MaxLive); err != nil {
		return nil, err
	}
	now := e.cfg.Clock.Now().UTC()
	n := (len(active) + len(failed)) * (1 + copies)
	ids := make([]string, 0, n)
	ds := make([]*wire.Delivery, 0, n)
	var seq uint64
	var idErr error
	record := func(d *wire.Delivery, h Webhook, st wire.Status, reason, original string, copy int) *wire.Delivery {
		var err error
		if seq, err = e.ids.take(e.store.s); err != nil {
			idErr = err
		}
		*d = wire.Delivery{ID: deliveryID(seq), WebhookUUID: h.UUID, URL: h.URL, EventType: eventType, EventID: eventID,
			RetryType: h.RetryType, Status: st, Reason: reason, CreatedAt: now, UpdatedAt: now, Faults: plan.names(),
			Injected: plan.CopyApplied(), DuplicateOf: original, Copy: copy, Attempts: d.Attempts}
		if d.Attempts == nil {
			d.Attempts = []wire.Attempt{}
		}
		ds = append(ds, d)
		ids = append(ids, d.ID)
		return d
	}
	for _, h := range failed {
		first := record(new(wire.Delivery), h, wire.StatusSkipped, "webhook is FAILED", "", 0)
		for c := 1; c <= copies; c++ {
			record(new(wire.Delivery), h, wire.StatusSkipped, "webhook is FAILED", first.ID, c)
		}
	}
	type start struct {
		j    *job
		wait time.Duration
	}
	var starts []start
	jobs := make([]*job, 0, len(active)*(1+copies))
	for _, h := range active {
		var original string
		for c := 0; c <= copies; c++ {
			// One allocation for the record, its first attempt's room and
			// the job: most deliveries make one attempt.
			l := new(liveDelivery)
			l.d.Attempts = l.first[:0]
			d := record(&l.d, h, wire.StatusPending, "", original, c)
			if c == 0 {
				original = d.ID
			}
			wait := plan.firstWait(c)
			j := &l.j
			*j = job{id: d.ID, hook: h.UUID, eventType: eventType, eventID: eventID, body: body, seq: seq, plan: plan, due: now.Add(wait)}
			e.premark(j, wait)
			jobs = append(jobs, j)
			starts = append(starts, start{j, wait})
		}
	}
	if idErr == nil {
		idErr = e.store.add(ctx, ds, jobs)
	}
	if idErr != nil {
		e.live.release(len(jobs))
		for _, j := range jobs {
			e.unpromise(j)
		}
		return nil, idErr
	}
	for _, st := range starts {
		st.j.busy = clock.Hold(e.cfg.Clock)
		e.start(ctx, st.j, st.wait)
	}
	return ids, nil
}

// premark decides whether j's first attempt is marked as on the wire in
// the write that records it, which saves a durable store one write (and a
// commit) per delivery. Only a delivery sent at once, by a worker that is
// free now, is premarked: a crash between that write and the send (which
// may wait for a sending slot, as any marked attempt may) is as rare as
// one between a mark and its send, and both leave the attempt recorded as
// interrupted, "may have been received". A job that must wait
// (a fault's delay, a reorder window, a dropped first attempt) or finds
// every worker busy is marked by its worker, as retries are.
func (e *Engine) premark(j *job, wait time.Duration) {
	if !e.store.durable() || wait > 0 {
		return
	}
	if _, ok := j.plan.Get(wire.FaultReorder); ok {
		return
	}
	if _, ok := j.plan.Get(wire.FaultDropFirst); ok {
		return
	}
	for {
		n := e.free.Load()
		if n <= 0 {
			return
		}
		if e.free.CompareAndSwap(n, n-1) {
			j.premarked = true
			return
		}
	}
}

// liveDelivery is a delivery to send as enqueue makes it: its record,
// room for its first attempt, and its job.
type liveDelivery struct {
	d     wire.Delivery
	first [1]wire.Attempt
	j     job
}

// start sends a new delivery: at once, after the wait its faults ask for,
// or once a reorder lets it go.
func (e *Engine) start(ctx context.Context, j *job, wait time.Duration) {
	if f, ok := j.plan.Get(wire.FaultReorder); ok {
		e.hold(j, f, wait)
		return
	}
	if wait > 0 {
		e.queueAfter(j, wait, wire.StatusPending, "waiting to be sent (fault injection)")
		return
	}
	select {
	case e.queue <- j:
	case <-ctx.Done():
		e.unpromise(j)
		e.finish(j, wire.StatusInterrupted, "not sent: "+ctx.Err().Error())
	case <-e.ctx.Done():
		e.unpromise(j)
		e.finish(j, wire.StatusInterrupted, "not sent: shutdown")
	}
}

// unpromise gives back the free worker a premarked job was promised, for
// a job that will never reach one.
func (e *Engine) unpromise(j *job) {
	if j.premarked {
		j.premarked = false
		e.free.Add(1)
	}
}

func deliveryID(seq uint64) string { return "dlv_" + strconv.FormatUint(seq, 10) }

func (e *Engine) worker() {
	defer e.wg.Done()
	for {
		e.free.Add(1)
		select {
		case j := <-e.queue:
			if !j.premarked {
				// A premarked job took this worker's place when it was
				// promised one.
				e.free.Add(-1)
			}
			e.attempt(j)
		case <-e.ctx.Done():
			return
		}
	}
}

// finish moves a delivery to a terminal status, exactly once; also
// makes further changes in the same write (the attempt that ended it).
func (e *Engine) finish(j *job, st wire.Status, reason string, also ...func(*wire.Delivery)) {
	now := e.cfg.Clock.Now().UTC()
	e.store.finish(j.id, func(d *wire.Delivery) {
		for _, f := range also {
			f(d)
		}
		d.Status, d.Reason, d.UpdatedAt, d.NextAttemptAt, d.Sending = st, reason, now, nil, 0
	})
	e.live.done()
	j.idle()
}

// delivered ends a delivery whose attempt succeeded: the record, the end
// of its work and the webhook's success are one write.
//
// On a durable store the worker does not wait for that write: nothing
// depends on it but Settle, which waits for the live count the write's
// end releases. A crash before it commits leaves the attempt marked, so
// that the next owner records it as interrupted: at least once, and said.
func (e *Engine) delivered(j *job, att wire.Attempt) {
	now := e.cfg.Clock.Now().UTC()
	at := att.At
	e.cfg.Hooks.pushed(j.hook, at)
	write := e.store.deliveredWrite(j.id, at, func(d *wire.Delivery) {
		d.Attempts = append(d.Attempts, att)
		d.Status, d.Reason, d.UpdatedAt, d.NextAttemptAt, d.Sending = wire.StatusDelivered, "", now, nil, 0
	})
	if !e.store.durable() {
		e.end(j, write, at)
		return
	}
	e.wg.Add(1)
	// A go statement with the write as an argument, not a closure that
	// captures it: a captured write would be moved to the heap on the
	// memory store's path too.
	go e.endAsync(j, write, at)
}

func (e *Engine) endAsync(j *job, write deliveredWrite, at time.Time) {
	defer e.wg.Done()
	e.end(j, write, at)
}

// end stores a delivered attempt (see delivered) and releases its delivery.
func (e *Engine) end(j *job, write deliveredWrite, at time.Time) {
	if !write.do() {
		// Not ended by this process's write (its lease was lost):
		// count the success against the breaker on its own.
		e.cfg.Hooks.outcome(j.hook, true, at, e.cfg.FailureThreshold)
	}
	e.live.done()
	j.idle()
}

// recorded appends att to a delivery's attempts.
func recorded(att wire.Attempt) func(*wire.Delivery) {
	return func(d *wire.Delivery) {
		d.Attempts, d.Sending = append(d.Attempts, att), 0
		d.UpdatedAt = att.At
	}
}

// stop is where a delivery goes when shutdown cuts it off. A durable store
// keeps its work for the next start (or another replica), which sends it;
// an in-memory one ends it as interrupted, so that nothing is unaccounted for.
func (e *Engine) stop(j *job, reason string) {
	if e.store.durable() {
		e.live.done()
		j.idle()
		return
	}
	e.finish(j, wire.StatusInterrupted, reason)
}

// attempt sends once and decides what happens next.
func (e *Engine) attempt(j *job) {
	if e.ctx.Err() != nil {
		e.stop(j, "shutdown before sending")
		return
	}
	e.inflight.Add(1)
	defer e.inflight.Add(-1)
	state, exists := e.cfg.Hooks.state(j.hook)
	switch {
	case !exists:
		e.finish(j, wire.StatusSkipped, "webhook deleted")
		return
	case state == StateFailed:
		e.finish(j, wire.StatusSkipped, "webhook is FAILED")
		return
	}
	hook, ok := e.cfg.Hooks.forSend(j.hook)
	if !ok {
		e.finish(j, wire.StatusSkipped, "webhook deleted")
		return
	}
	j.attempt++
	if f, ok := j.plan.Get(wire.FaultDropFirst); ok && j.attempt == 1 {
		e.dropFirst(j, f)
		return
	}
	// Marked before sending, so that a process that dies mid-attempt
	// leaves a record the next owner turns into an interrupted attempt.
	if !e.store.mark(j) {
		e.live.done()
		return
	}
	select {
	case e.sending <- struct{}{}:
	case <-e.ctx.Done():
		// Marked but never sent: the next owner records the attempt as
		// interrupted, "may have been received", which it was not.
		e.stop(j, "shutdown before sending")
		return
	}
	att := e.send(hook, j)
	<-e.sending
	if !j.sent {
		j.sent = true
		e.reorder.sent(j.hook, j.seq, e.cfg.Clock)
	}
	if e.ctx.Err() != nil && att.Outcome != wire.OutcomeSuccess {
		// Cut off by shutdown: not the consumer's failure.
		e.finish(j, wire.StatusInterrupted, "shutdown while sending", recorded(att))
		return
	}
	if e.cfg.Log.Enabled(e.ctx, slog.LevelDebug) {
		// Guarded: boxing the attributes costs allocations on every
		// attempt even when debug logging is off.
		status := 0
		if att.Response != nil {
			status = att.Response.Status
		}
		e.cfg.Log.Debug("attempt", "delivery", j.id, "webhook", j.hook, "n", att.N, "outcome", att.Outcome, "status", status, "latency", att.Latency, "error", att.Error)
	}
	// The attempt is written with what it leads to, in one write.
	if att.Outcome == wire.OutcomeSuccess {
		e.delivered(j, att)
		return
	}
	newState, _ := e.cfg.Hooks.outcome(j.hook, false, e.cfg.Clock.Now().UTC(), e.cfg.FailureThreshold)
	if newState == StateFailed && hook.State != StateFailed {
		e.cfg.Log.Warn("circuit breaker flipped: webhook FAILED", "webhook", j.hook, "url", hook.URL)
		e.cfg.WebhookFailed(hook)
	}
	if hook.RetryType != RetryExponential {
		e.finish(j, wire.StatusDropped, "circuit-breaker policy: every message is tried once, failures are not retried", recorded(att))
		return
	}
	if j.attempt > e.cfg.Exponential.Retries {
		e.finish(j, wire.StatusDropped, fmt.Sprintf("failed %d times (%d retries exhausted)", j.attempt, e.cfg.Exponential.Retries), recorded(att))
		return
	}
	e.queueAfter(j, e.cfg.Exponential.Delay(j.attempt), wire.StatusRetrying, "waiting to retry", recorded(att))
}

// dropFirst records a first attempt that never reached the consumer and
// re-sends it later, under either retry policy: the provider lost its own
// send, so the consumer is not charged with a failure, and Daily's promise
// that every message "is tried at least once" still holds.
func (e *Engine) dropFirst(j *job, f wire.Fault) {
	att := wire.Attempt{N: j.attempt, At: e.cfg.Clock.Now().UTC(), Outcome: wire.OutcomeFailure,
		Error: "not sent: the provider lost this attempt (fault drop-first); the consumer saw nothing"}
	e.queueAfter(j, f.Gap, wire.StatusRetrying, "waiting to re-send a dropped first attempt", recorded(att))
}

// queueAfter puts j on the queue once d has passed on the provider's
// clock, so a virtual clock can run 15 minutes of back-off in no time.
// The deadline is fixed now, not when the timer goroutine gets to run.
func (e *Engine) queueAfter(j *job, d time.Duration, st wire.Status, waiting string, also ...func(*wire.Delivery)) {
	next := e.cfg.Clock.Now().Add(d)
	nextUTC := next.UTC()
	e.store.reschedule(j, nextUTC, func(dl *wire.Delivery) {
		for _, f := range also {
			f(dl)
		}
		dl.Status, dl.NextAttemptAt = st, &nextUTC
	})
	e.wait(j, next, waiting)
}

// wait queues j once next has come on the provider's clock. The timer is
// registered before j lets go of its busy mark, so that an advance cannot
// pass next unseen.
func (e *Engine) wait(j *job, next time.Time, waiting string) {
	t := clock.NewTimer(e.cfg.Clock, next.Sub(e.cfg.Clock.Now()))
	j.idle()
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		select {
		case <-t.C:
		case <-e.ctx.Done():
			t.Done()
			e.stop(j, "shutdown while "+waiting)
			return
		}
		j.busy = t.Done
		e.store.Update(j.id, func(d *wire.Delivery) { d.Status, d.NextAttemptAt = wire.StatusPending, nil })
		e.push(j, waiting)
	}()
}

// push queues j from a timer or a hold; only shutdown stops it.
func (e *Engine) push(j *job, waiting string) {
	select {
	case e.queue <- j:
	case <-e.ctx.Done():
		e.stop(j, "shutdown while "+waiting)
	}
}

// send makes one attempt of a queued delivery.
func (e *Engine) send(hook Webhook, j *job) wire.Attempt {
	msgID := j.eventID
	if msgID == "" {
		// Standard Webhooks needs a message id; events without an envelope
		// id get the delivery's, which is stable across retries.
		msgID = j.id
	}
	t := wire.Target{URL: hook.URL, Scheme: hook.Signing, Secret: hook.HMAC, BasicAuth: hook.BasicAuth, Params: e.cfg.SigningParams,
		Signer: e.signers.of(hook, e.cfg.SigningParams)}
	att := wire.Send(e.ctx, e.cfg.Client, t, wire.Request{MsgID: msgID, Body: j.body, Header: e.cfg.Headers(j.eventType, j.id, hook.Signing), At: e.cfg.Clock.Now().UTC(),
		Timeout: e.cfg.DeliveryTimeout, BodyLimit: e.cfg.ResponseBodyLimit, HeaderLimit: e.cfg.ResponseHeaderLimit, Effects: j.plan.effects()})
	att.N = j.attempt
	if att.Response != nil && e.cfg.success(att.Response.Status) {
		att.Outcome = wire.OutcomeSuccess
	}
	return att
}

// Settle waits until every delivery is terminal or ctx ends.
func (e *Engine) Settle(ctx context.Context) error {
	select {
	case <-e.live.zero():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%d deliveries still live: %w", e.live.count(), ctx.Err())
	}
}

// Shutdown stops taking events, lets queued and in-flight sends finish
// until ctx ends, then stops workers and retry timers. Whatever is still
// live then is recorded as interrupted, so that no delivery is lost.
func (e *Engine) Shutdown(ctx context.Context) {
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
			e.stop(j, "shutdown before sending")
		default:
			if e.store.durable() {
				if _, err := e.store.s.Release(context.Background(), e.store.owner); err != nil {
					e.cfg.Log.Error("releasing pending deliveries for the next start", "store", e.store.s.Location(), "err", err)
				}
			}
			return
		}
	}
}

// Live counts the deliveries this process has not ended yet: queued,
// being sent, or waiting to retry.
func (e *Engine) Live() int { return e.live.count() }

// Idle is closed once no delivery is live.
func (e *Engine) Idle() <-chan struct{} { return e.live.zero() }

// Stopping ends when shutdown stops the workers: what runs alongside the
// engine (scenario runs) stops with it.
func (e *Engine) Stopping() context.Context { return e.ctx }

// List returns every delivery that matches, oldest first.
func (e *Engine) List(f Filter) []wire.Delivery { return e.store.List(f) }

// Reset forgets terminal deliveries.
func (e *Engine) Reset() { e.store.Reset() }

// Stats counts the log.
func (e *Engine) Stats() wire.StoreStats { return e.store.Stats() }

// Page reads one page of the log, as fresh as the changes watchers saw.
func (e *Engine) Page(ctx context.Context, q store.Query) ([]wire.Delivery, string, error) {
	return e.store.page(ctx, q)
}

// Peek returns this process's view of a delivery it is working on or
// has just ended, which may be ahead of the store's.
func (e *Engine) Peek(id string) (wire.Delivery, bool) { return e.store.peek(id) }
