package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/wire"
)

// Filter selects deliveries; empty fields match everything.
type Filter struct {
	WebhookUUID string
	EventType   string
	EventID     string
	Status      wire.Status
	// Since and Until bound CreatedAt: Since <= CreatedAt < Until.
	Since, Until time.Time
}

func (f Filter) query() store.Query {
	return store.Query{Webhook: f.WebhookUUID, Type: f.EventType, Event: f.EventID, Status: string(f.Status), Since: f.Since, Until: f.Until}
}

// deliveryLog is the engine's window on the store. The live deliveries
// this process works on stay in memory, so that a change is made to the
// record and written through, never read back first. Every write is
// durable when it returns: what the store says is what a restart sees.
type deliveryLog struct {
	s     store.Store
	owner string
	lease time.Duration
	log   *slog.Logger
	mu    sync.Mutex
	live  map[string]*wire.Delivery
	// ending holds deliveries made terminal whose write has not returned
	// yet, so that a read by id sees the change as soon as watchers do.
	ending map[string]*wire.Delivery
	// isDurable: the store outlives the process (see durable); asked on
	// every event, so decided once.
	isDurable bool
	// observe sees every change as it is made, under mu, so in order: d
	// had n attempts before it (-1: d is new).
	observe func(d *wire.Delivery, n int)
}

func newDeliveryLog(s store.Store, owner string, lease time.Duration, log *slog.Logger) *deliveryLog {
	return &deliveryLog{s: s, owner: owner, lease: lease, log: log, live: map[string]*wire.Delivery{}, ending: map[string]*wire.Delivery{},
		isDurable: s.Backend() != "memory"}
}

// durable reports whether the store outlives the process, so that work
// left at shutdown is released for the next start rather than ended.
func (l *deliveryLog) durable() bool { return l.isDurable }

// record is d as the store keeps it: the columns, and the compact record
// (wire.EncodeRecord) as the document, which leaves the columns out.
func record(d *wire.Delivery) store.Delivery {
	return store.Delivery{ID: d.ID, WebhookUUID: d.WebhookUUID, EventType: d.EventType, EventID: d.EventID,
		Status: string(d.Status), Terminal: d.Status.Terminal(), CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Doc: d.EncodeRecord()}
}

// DecodeDelivery reads a stored record: a compact one, or the JSON of the
// whole delivery that versions before it wrote (a store written by one
// of them reads as it did).
func DecodeDelivery(r store.Delivery) (wire.Delivery, error) {
	d, err := decodeRecord(r)
	if err == nil && !r.Terminal && r.Sending > d.Sending {
		// Marked by its work, not in the record written before the send.
		d.Sending = r.Sending
	}
	return d, err
}

func decodeRecord(r store.Delivery) (wire.Delivery, error) {
	var d wire.Delivery
	var err error
	if wire.IsRecord(r.Doc) {
		err = wire.DecodeRecord(r.Doc, wire.RecordColumns{ID: r.ID, WebhookUUID: r.WebhookUUID, EventType: r.EventType,
			EventID: r.EventID, Status: wire.Status(r.Status)}, &d)
	} else {
		err = json.Unmarshal(r.Doc, &d)
	}
	if err != nil {
		return d, fmt.Errorf("store: delivery %s: %w", r.ID, err)
	}
	if d.Attempts == nil {
		d.Attempts = []wire.Attempt{}
	}
	return d, nil
}

// DeliveryJSON appends a stored record's JSON export: an old record's
// document as it is, a compact one decoded and encoded.
func DeliveryJSON(b []byte, r store.Delivery) ([]byte, error) {
	if !wire.IsRecord(r.Doc) {
		return append(b, r.Doc...), nil
	}
	d, err := DecodeDelivery(r)
	if err != nil {
		return nil, err
	}
	return d.AppendJSON(b)
}

// add records an event's deliveries and their work in one transaction;
// live ones are leased to this process.
func (l *deliveryLog) add(ctx context.Context, ds []*wire.Delivery, jobs []*job) error {
	recs := make([]store.Delivery, len(ds))
	for i, d := range ds {
		recs[i] = record(d)
	}
	work := make([]store.Work, 0, len(jobs))
	lease := time.Now().Add(l.lease)
	for _, j := range jobs {
		w := store.Work{DeliveryID: j.id, Due: j.due, Job: l.jobDoc(j), Owner: l.owner, LeaseUntil: lease}
		if j.premarked {
			w.Sending = 1
		}
		work = append(work, w)
	}
	if err := l.s.Enqueue(ctx, recs, work); err != nil {
		return fmt.Errorf("store %s: recording the event's deliveries: %w", l.s.Location(), err)
	}
	l.mu.Lock()
	for _, d := range ds {
		if !d.Status.Terminal() {
			l.live[d.ID] = d
		}
		l.observe(d, -1)
	}
	l.mu.Unlock()
	return nil
}

// adopt takes over a delivery from the store (after a restart, or from a
// replica whose lease expired).
func (l *deliveryLog) adopt(ctx context.Context, id string) (*wire.Delivery, error) {
	r, err := l.s.Delivery(ctx, id)
	if err != nil {
		return nil, err
	}
	d, err := DecodeDelivery(r)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.live[id] = &d
	l.mu.Unlock()
	return &d, nil
}

// change applies f to a live delivery and returns the record to write.
func (l *deliveryLog) change(id string, f func(*wire.Delivery), terminal bool) (store.Delivery, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	d, ok := l.changeLocked(id, f, terminal)
	if !ok {
		return store.Delivery{}, false
	}
	return record(d), true
}

// changeLocked is change without the record, for a change that writes
// none (a mark writes the work row alone); l.mu is held.
func (l *deliveryLog) changeLocked(id string, f func(*wire.Delivery), terminal bool) (*wire.Delivery, bool) {
	d, ok := l.live[id]
	if !ok {
		return nil, false
	}
	n, status := len(d.Attempts), d.Status
	f(d)
	l.observe(d, n)
	if len(d.Attempts) > n && d.Status != status {
		// One write, two changes to watchers: the attempt, then what it
		// led to, as the stream and the console show them.
		l.observe(d, len(d.Attempts))
	}
	if terminal {
		delete(l.live, id)
		l.ending[id] = d
	}
	return d, true
}

// ended forgets a terminal delivery once its write has returned.
func (l *deliveryLog) ended(id string) {
	l.mu.Lock()
	delete(l.ending, id)
	l.mu.Unlock()
}

// peek returns this process's current view of a delivery it is working
// on or has just ended, which may be ahead of the store's.
func (l *deliveryLog) peek(id string) (wire.Delivery, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	d, ok := l.live[id]
	if !ok {
		d, ok = l.ending[id]
	}
	if !ok {
		return wire.Delivery{}, false
	}
	return d.Clone(), true
}

// Update changes a live delivery that keeps its work as it is.
func (l *deliveryLog) Update(id string, f func(*wire.Delivery)) {
	if r, ok := l.change(id, f, false); ok {
		l.check(id, l.s.SaveDelivery(context.Background(), r))
	}
}

// finish makes a delivery terminal and removes its work.
func (l *deliveryLog) finish(id string, f func(*wire.Delivery)) {
	r, ok := l.change(id, f, true)
	if !ok {
		return
	}
	defer l.ended(id)
	err := l.s.Finish(context.Background(), l.owner, r, nil)
	if errors.Is(err, store.ErrLeaseLost) {
		// Another replica took the work over after our lease expired (we
		// stalled); the record is still ours to end only if it is live.
		err = l.s.SaveDelivery(context.Background(), r)
	}
	l.check(id, err)
}

// delivered ends a delivery whose attempt succeeded, with the webhook's
// success in the same write. The change is made (and watchers see it)
// now; the returned write stores it.
func (l *deliveryLog) deliveredWrite(id string, at time.Time, f func(*wire.Delivery)) deliveredWrite {
	r, ok := l.change(id, f, true)
	return deliveredWrite{l: l, id: id, r: r, at: at, ok: ok}
}

// deliveredWrite is a delivered attempt's write, made by do. A value, not
// a closure: on the memory store it is made on every delivery and done at
// once.
type deliveredWrite struct {
	l  *deliveryLog
	id string
	r  store.Delivery
	at time.Time
	ok bool // the delivery was live
}

// do stores the change; false if this process no longer held the
// delivery.
func (w *deliveredWrite) do() bool {
	if !w.ok {
		return true
	}
	l, id := w.l, w.id
	defer l.ended(id)
	err := l.s.Delivered(context.Background(), l.owner, w.r, w.at)
	if errors.Is(err, store.ErrLeaseLost) {
		l.check(id, l.s.SaveDelivery(context.Background(), w.r))
		return false
	}
	l.check(id, err)
	return true
}

// mark records that attempt j.attempt is going on the wire, if this
// process still holds the delivery's lease. False means another process
// took the delivery over (this one stalled past its lease): it must not
// send, so that no attempt is made by two processes. Only the work row
// is written; the record shows the attempt once it has an answer.
func (l *deliveryLog) mark(j *job) bool {
	l.mu.Lock()
	_, ok := l.changeLocked(j.id, func(d *wire.Delivery) { d.Sending = j.attempt }, false)
	l.mu.Unlock()
	if !ok {
		return false
	}
	if j.premarked {
		// The write that recorded the delivery marked this attempt
		// (engine.premark); watchers see the change now, as for any other.
		j.premarked = false
		return true
	}
	err := l.s.Mark(context.Background(), l.owner, j.id, j.attempt)
	if errors.Is(err, store.ErrLeaseLost) {
		l.mu.Lock()
		delete(l.live, j.id)
		l.mu.Unlock()
		l.log.Warn("delivery taken over by another process; not sending", "delivery", j.id)
		return false
	}
	l.check(j.id, err)
	return true
}

// reschedule changes a live delivery and moves its work to due, still
// leased to this process.
func (l *deliveryLog) reschedule(j *job, due time.Time, f func(*wire.Delivery)) {
	r, ok := l.change(j.id, f, false)
	if !ok {
		return
	}
	j.due = due
	next := &store.Work{Due: due, Attempt: j.attempt, Job: l.jobDoc(j), Owner: l.owner, LeaseUntil: time.Now().Add(l.lease)}
	l.check(j.id, l.s.Finish(context.Background(), l.owner, r, next))
}

func (l *deliveryLog) check(id string, err error) {
	if err != nil {
		l.log.Error("store write failed", "delivery", id, "store", l.s.Location(), "err", err)
	}
}

// page reads one page of the log.
func (l *deliveryLog) page(ctx context.Context, q store.Query) ([]wire.Delivery, string, error) {
	p, err := l.s.Deliveries(ctx, q)
	if err != nil {
		return nil, "", err
	}
	out := make([]wire.Delivery, 0, len(p.Deliveries))
	for _, r := range p.Deliveries {
		d, err := l.fresh(r)
		if err != nil {
			return nil, "", err
		}
		out = append(out, d)
	}
	return out, p.Next, nil
}

// fresh decodes a stored record, or returns this process's own view of
// it when that is ahead (a change whose write has not landed yet), so
// that a page is at least as fresh as the stream entries already
// published: the inspector resumes its stream after the entry it
// rendered at.
func (l *deliveryLog) fresh(r store.Delivery) (wire.Delivery, error) {
	if !r.Terminal {
		if d, ok := l.peek(r.ID); ok {
			return d, nil
		}
	}
	return DecodeDelivery(r)
}

// List returns every delivery that matches, oldest first.
func (l *deliveryLog) List(f Filter) []wire.Delivery {
	out := []wire.Delivery{}
	err := store.Each(context.Background(), l.s, f.query(), func(r store.Delivery) error {
		d, err := l.fresh(r)
		if err == nil {
			out = append(out, d)
		}
		return err
	})
	if err != nil {
		l.log.Error("store read failed", "store", l.s.Location(), "err", err)
	}
	return out
}

// Reset forgets terminal deliveries.
func (l *deliveryLog) Reset() {
	if _, err := l.s.ResetDeliveries(context.Background()); err != nil {
		l.log.Error("store reset failed", "store", l.s.Location(), "err", err)
	}
}

// Stats counts the log.
func (l *deliveryLog) Stats() wire.StoreStats {
	st, err := l.s.Stats(context.Background())
	if err != nil {
		l.log.Error("store stats failed", "store", l.s.Location(), "err", err)
	}
	return wire.StoreStats{Backend: l.s.Backend(), Kept: st.Kept, Evicted: int(st.Evicted), Pending: st.Pending, Cap: st.Cap}
}

// storedJob is what a delivery's work row carries: enough to send again
// after a restart or on another replica.
type storedJob struct {
	Hook      string     `json:"hook"`
	EventType string     `json:"eventType"`
	EventID   string     `json:"eventId"`
	Body      []byte     `json:"body"`
	Seq       uint64     `json:"seq"`
	Plan      *wire.Plan `json:"plan,omitempty"`
}

// jobDoc is j as its work row keeps it. Only a durable store's rows are
// read back (takeover.go: after a restart, or by another replica); the
// memory store's are not, so it keeps none, which spares every event an
// encoding and the store a copy of it.
func (l *deliveryLog) jobDoc(j *job) []byte {
	if !l.durable() {
		return nil
	}
	return j.encode()
}

func (j *job) encode() []byte {
	if j.stored == nil {
		sj := storedJob{Hook: j.hook, EventType: j.eventType, EventID: j.eventID, Body: j.body, Seq: j.seq}
		if j.plan != nil {
			sj.Plan = &j.plan.Plan
		}
		j.stored, _ = json.Marshal(sj)
	}
	return j.stored
}

func decodeJob(w store.Work) (*job, error) {
	var sj storedJob
	if err := json.Unmarshal(w.Job, &sj); err != nil {
		return nil, fmt.Errorf("store: work of delivery %s: %w", w.DeliveryID, err)
	}
	j := &job{id: w.DeliveryID, hook: sj.Hook, eventType: sj.EventType, eventID: sj.EventID, body: sj.Body,
		seq: sj.Seq, attempt: w.Attempt, due: w.Due, stored: w.Job}
	if sj.Plan != nil {
		j.plan = &FaultPlan{Plan: *sj.Plan}
		j.plan.eff = j.plan.Effects()
	}
	return j, nil
}
