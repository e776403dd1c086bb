package mockserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/wire"
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
	plan      *faultPlan
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

// engine sends deliveries with a pool of workers and schedules retries on
// the provider's clock.
type engine struct {
	p        *Provider
	queue    chan *job
	wg       sync.WaitGroup // workers, retry timers, delayed and held deliveries
	ctx      context.Context
	cancel   context.CancelFunc
	live     liveCounter  // deliveries not yet terminal
	inflight atomic.Int64 // attempts being sent right now
	// free counts workers waiting for a job, less the jobs already
	// promised one (premarked): a new delivery that finds one marks its
	// first attempt in the write that records it (see premark).
	free    atomic.Int64
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

func newEngine(p *Provider) *engine {
	ctx, cancel := context.WithCancel(context.Background())
	e := &engine{p: p, queue: make(chan *job, p.opts.QueueSize), ctx: ctx, cancel: cancel}
	for range p.opts.Workers {
		e.wg.Add(1)
		go e.worker()
	}
	if p.store.durable() {
		e.wg.Add(1)
		go e.keep()
	}
	return e
}

var errClosed = errors.New("the mock server is shutting down")

// enqueue records a delivery per target webhook (and per duplicate copy)
// and queues the sends. Deliveries to FAILED webhooks are recorded as
// skipped at once.
func (e *engine) enqueue(ctx context.Context, eventType, eventID string, body []byte, plan *faultPlan) ([]string, error) {
	e.enqueuing.RLock()
	defer e.enqueuing.RUnlock()
	if e.closing.Load() {
		return nil, errClosed
	}
	active, failed := e.p.hooks.Targets(eventType)
	copies := 0
	if f, ok := plan.get(FaultDuplicate); ok {
		copies = f.Count
	}
	// Reserve the whole event's live deliveries first, so that an event
	// past the cap is refused whole rather than half recorded.
	if err := e.live.reserve(len(active)*(1+copies), e.p.opts.Limits.MaxLiveDeliveries); err != nil {
		return nil, err
	}
	now := e.p.clock.Now().UTC()
	n := (len(active) + len(failed)) * (1 + copies)
	ids := make([]string, 0, n)
	ds := make([]*Delivery, 0, n)
	var seq uint64
	var idErr error
	record := func(d *Delivery, h Webhook, st Status, reason, original string, copy int) *Delivery {
		var err error
		if seq, err = e.ids.take(e.p.store.s); err != nil {
			idErr = err
		}
		*d = Delivery{ID: deliveryID(seq), WebhookUUID: h.UUID, URL: h.URL, EventType: eventType, EventID: eventID,
			RetryType: h.RetryType, Status: st, Reason: reason, CreatedAt: now, UpdatedAt: now, Faults: plan.names(),
			Injected: plan.copyApplied(), DuplicateOf: original, Copy: copy, Attempts: d.Attempts}
		if d.Attempts == nil {
			d.Attempts = []Attempt{}
		}
		ds = append(ds, d)
		ids = append(ids, d.ID)
		return d
	}
	for _, h := range failed {
		first := record(new(Delivery), h, StatusSkipped, "webhook is FAILED", "", 0)
		for c := 1; c <= copies; c++ {
			record(new(Delivery), h, StatusSkipped, "webhook is FAILED", first.ID, c)
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
			d := record(&l.d, h, StatusPending, "", original, c)
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
		idErr = e.p.store.add(ctx, ds, jobs)
	}
	if idErr != nil {
		e.live.release(len(jobs))
		for _, j := range jobs {
			e.unpromise(j)
		}
		return nil, idErr
	}
	for _, st := range starts {
		st.j.busy = clock.Hold(e.p.clock)
		e.start(ctx, st.j, st.wait)
	}
	return ids, nil
}

// premark decides whether j's first attempt is marked as on the wire in
// the write that records it, which saves a durable store one write (and a
// commit) per delivery. Only a delivery sent at once, by a worker that is
// free now, is premarked: a crash between that write and the send is as
// rare as one between a mark and its send, and both leave the attempt
// recorded as interrupted, "may have been received". A job that must wait
// (a fault's delay, a reorder window, a dropped first attempt) or finds
// every worker busy is marked by its worker, as retries are.
func (e *engine) premark(j *job, wait time.Duration) {
	if !e.p.store.durable() || wait > 0 {
		return
	}
	if _, ok := j.plan.get(FaultReorder); ok {
		return
	}
	if _, ok := j.plan.get(FaultDropFirst); ok {
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
	d     Delivery
	first [1]Attempt
	j     job
}

// start sends a new delivery: at once, after the wait its faults ask for,
// or once a reorder lets it go.
func (e *engine) start(ctx context.Context, j *job, wait time.Duration) {
	if f, ok := j.plan.get(FaultReorder); ok {
		e.hold(j, f, wait)
		return
	}
	if wait > 0 {
		e.queueAfter(j, wait, StatusPending, "waiting to be sent (fault injection)")
		return
	}
	select {
	case e.queue <- j:
	case <-ctx.Done():
		e.unpromise(j)
		e.finish(j, StatusInterrupted, "not sent: "+ctx.Err().Error())
	case <-e.ctx.Done():
		e.unpromise(j)
		e.finish(j, StatusInterrupted, "not sent: shutdown")
	}
}

// unpromise gives back the free worker a premarked job was promised, for
// a job that will never reach one.
func (e *engine) unpromise(j *job) {
	if j.premarked {
		j.premarked = false
		e.free.Add(1)
	}
}

func deliveryID(seq uint64) string { return "dlv_" + strconv.FormatUint(seq, 10) }

func (e *engine) worker() {
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
func (e *engine) finish(j *job, st Status, reason string, also ...func(*Delivery)) {
	now := e.p.clock.Now().UTC()
	e.p.store.finish(j.id, func(d *Delivery) {
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
func (e *engine) delivered(j *job, att Attempt) {
	now := e.p.clock.Now().UTC()
	at := att.At
	e.p.hooks.Pushed(j.hook, at)
	write := e.p.store.deliveredWrite(j.id, at, func(d *Delivery) {
		d.Attempts = append(d.Attempts, att)
		d.Status, d.Reason, d.UpdatedAt, d.NextAttemptAt, d.Sending = StatusDelivered, "", now, nil, 0
	})
	if !e.p.store.durable() {
		e.end(j, write, at)
		return
	}
	e.wg.Add(1)
	// A go statement with the write as an argument, not a closure that
	// captures it: a captured write would be moved to the heap on the
	// memory store's path too.
	go e.endAsync(j, write, at)
}

func (e *engine) endAsync(j *job, write deliveredWrite, at time.Time) {
	defer e.wg.Done()
	e.end(j, write, at)
}

// end stores a delivered attempt (see delivered) and releases its delivery.
func (e *engine) end(j *job, write deliveredWrite, at time.Time) {
	if !write.do() {
		// Not ended by this process's write (its lease was lost):
		// count the success against the breaker on its own.
		e.p.hooks.Outcome(j.hook, true, at, e.p.opts.FailureThreshold)
	}
	e.live.done()
	j.idle()
}

// recorded appends att to a delivery's attempts.
func recorded(att Attempt) func(*Delivery) {
	return func(d *Delivery) {
		d.Attempts, d.Sending = append(d.Attempts, att), 0
		d.UpdatedAt = att.At
	}
}

// stop is where a delivery goes when shutdown cuts it off. A durable store
// keeps its work for the next start (or another replica), which sends it;
// an in-memory one ends it as interrupted, so that nothing is unaccounted for.
func (e *engine) stop(j *job, reason string) {
	if e.p.store.durable() {
		e.live.done()
		j.idle()
		return
	}
	e.finish(j, StatusInterrupted, reason)
}

// attempt sends once and decides what happens next.
func (e *engine) attempt(j *job) {
	if e.ctx.Err() != nil {
		e.stop(j, "shutdown before sending")
		return
	}
	e.inflight.Add(1)
	defer e.inflight.Add(-1)
	state, exists := e.p.hooks.State(j.hook)
	switch {
	case !exists:
		e.finish(j, StatusSkipped, "webhook deleted")
		return
	case state == StateFailed:
		e.finish(j, StatusSkipped, "webhook is FAILED")
		return
	}
	hook, ok := e.p.hooks.ForSend(j.hook)
	if !ok {
		e.finish(j, StatusSkipped, "webhook deleted")
		return
	}
	j.attempt++
	if f, ok := j.plan.get(FaultDropFirst); ok && j.attempt == 1 {
		e.dropFirst(j, f)
		return
	}
	// Marked before sending, so that a process that dies mid-attempt
	// leaves a record the next owner turns into an interrupted attempt.
	if !e.p.store.mark(j) {
		e.live.done()
		return
	}
	att := e.send(hook, j)
	if !j.sent {
		j.sent = true
		e.reorder.sent(j.hook, j.seq, e.p.clock)
	}
	if e.ctx.Err() != nil && att.Outcome != wire.OutcomeSuccess {
		// Cut off by shutdown: not the consumer's failure.
		e.finish(j, StatusInterrupted, "shutdown while sending", recorded(att))
		return
	}
	if e.p.log.Enabled(e.ctx, slog.LevelDebug) {
		// Guarded: boxing the attributes costs allocations on every
		// attempt even when debug logging is off.
		e.p.log.Debug("attempt", "delivery", j.id, "webhook", j.hook, "n", att.N, "outcome", att.Outcome, "status", statusOf(att), "latency", att.Latency, "error", att.Error)
	}
	// The attempt is written with what it leads to, in one write.
	if att.Outcome == wire.OutcomeSuccess {
		e.delivered(j, att)
		return
	}
	newState, _ := e.p.hooks.Outcome(j.hook, false, e.p.clock.Now().UTC(), e.p.opts.FailureThreshold)
	if newState == StateFailed && hook.State != StateFailed {
		e.p.log.Warn("circuit breaker flipped: webhook FAILED", "webhook", j.hook, "url", hook.URL)
		e.p.webhookFailed(hook)
	}
	if hook.RetryType != RetryExponential {
		e.finish(j, StatusDropped, "circuit-breaker policy: every message is tried once, failures are not retried", recorded(att))
		return
	}
	if j.attempt > e.p.opts.Exponential.Retries {
		e.finish(j, StatusDropped, fmt.Sprintf("failed %d times (%d retries exhausted)", j.attempt, e.p.opts.Exponential.Retries), recorded(att))
		return
	}
	e.queueAfter(j, e.p.opts.Exponential.Delay(j.attempt), StatusRetrying, "waiting to retry", recorded(att))
}

// dropFirst records a first attempt that never reached the consumer and
// re-sends it later, under either retry policy: the provider lost its own
// send, so the consumer is not charged with a failure, and Daily's promise
// that every message "is tried at least once" still holds.
func (e *engine) dropFirst(j *job, f Fault) {
	att := Attempt{N: j.attempt, At: e.p.clock.Now().UTC(), Outcome: wire.OutcomeFailure,
		Error: "not sent: the provider lost this attempt (fault drop-first); the consumer saw nothing"}
	e.queueAfter(j, f.Gap, StatusRetrying, "waiting to re-send a dropped first attempt", recorded(att))
}

// queueAfter puts j on the queue once d has passed on the provider's
// clock, so a virtual clock can run 15 minutes of back-off in no time.
// The deadline is fixed now, not when the timer goroutine gets to run.
func (e *engine) queueAfter(j *job, d time.Duration, st Status, waiting string, also ...func(*Delivery)) {
	next := e.p.clock.Now().Add(d)
	nextUTC := next.UTC()
	e.p.store.reschedule(j, nextUTC, func(dl *Delivery) {
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
func (e *engine) wait(j *job, next time.Time, waiting string) {
	t := clock.NewTimer(e.p.clock, next.Sub(e.p.clock.Now()))
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
		e.p.store.Update(j.id, func(d *Delivery) { d.Status, d.NextAttemptAt = StatusPending, nil })
		e.push(j, waiting)
	}()
}

// push queues j from a timer or a hold; only shutdown stops it.
func (e *engine) push(j *job, waiting string) {
	select {
	case e.queue <- j:
	case <-e.ctx.Done():
		e.stop(j, "shutdown while "+waiting)
	}
}

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
	t := wire.Target{URL: hook.URL, Scheme: hook.Signing, Secret: hook.HMAC, BasicAuth: hook.BasicAuth, Params: e.p.opts.SigningParams,
		Signer: e.signers.of(hook, e.p.opts.SigningParams)}
	att := wire.Send(e.ctx, e.p.client, t, wire.Request{MsgID: msgID, Body: j.body, Header: e.p.headersFor(j.eventType, j.id, hook.Signing), At: e.p.clock.Now().UTC(),
		Timeout: e.p.opts.DeliveryTimeout, BodyLimit: e.p.opts.ResponseBodyLimit, HeaderLimit: e.p.opts.ResponseHeaderLimit, Effects: j.plan.effects()})
	att.N = j.attempt
	if att.Response != nil && e.p.opts.success(att.Response.Status) {
		att.Outcome = wire.OutcomeSuccess
	}
	return att
}

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
			e.stop(j, "shutdown before sending")
		default:
			if e.p.store.durable() {
				if _, err := e.p.store.s.Release(context.Background(), e.p.store.owner); err != nil {
					e.p.log.Error("releasing pending deliveries for the next start", "store", e.p.store.s.Location(), "err", err)
				}
			}
			return
		}
	}
}
