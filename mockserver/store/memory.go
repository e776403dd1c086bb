package store

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// memory is the ephemeral backend: maps under one lock. Records are copied
// in and out, so callers never share a slice with the store.
type memory struct {
	o        Options
	mu       sync.Mutex
	hooks    map[string]Webhook
	byID     map[string]*rec
	log      []*rec // by Seq; evicted entries are removed lazily
	slab     []byte // where terminal records' bytes go; see keep
	seq      int64
	work     map[string]Work
	docs     map[Kind]map[string][]byte
	counters map[string]int64
	owners   map[string]time.Time // lease holders, alive until
	hooksVer int64
	added    int // since the last retention pass
	wake     chan struct{}
}

// NewMemory returns an empty in-memory store.
func NewMemory(o Options) Store {
	return &memory{o: o, hooks: map[string]Webhook{}, byID: map[string]*rec{}, work: map[string]Work{},
		docs: map[Kind]map[string][]byte{}, counters: map[string]int64{}, owners: map[string]time.Time{}, wake: make(chan struct{}, 1)}
}

func (m *memory) Backend() string  { return "memory" }
func (m *memory) Location() string { return "memory" }
func (m *memory) Close() error     { return nil }
func (m *memory) Shared() bool     { return false }

func clone(b []byte) []byte { return append([]byte(nil), b...) }

func (w Webhook) clone() Webhook { w.Doc = clone(w.Doc); return w }
func (w Work) clone() Work       { w.Job = clone(w.Job); return w }

func (m *memory) PutWebhook(_ context.Context, w Webhook) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.hooks[w.UUID] = w.clone()
	m.hooksVer++
	return nil
}

func (m *memory) WebhooksVersion(context.Context) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hooksVer, nil
}

func (m *memory) Webhook(_ context.Context, uuid string) (Webhook, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, ok := m.hooks[uuid]
	if !ok {
		return Webhook{}, ErrNotFound
	}
	return w.clone(), nil
}

func (m *memory) Webhooks(context.Context) ([]Webhook, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Webhook, 0, len(m.hooks))
	for _, w := range m.hooks {
		out = append(out, w.clone())
	}
	slices.SortFunc(out, func(a, b Webhook) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.UUID, b.UUID))
	})
	return out, nil
}

func (m *memory) UpdateWebhook(_ context.Context, uuid string, fn func(*Webhook) error) (Webhook, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, ok := m.hooks[uuid]
	if !ok {
		return Webhook{}, ErrNotFound
	}
	before := w
	w = w.clone()
	if err := fn(&w); err != nil {
		return Webhook{}, err
	}
	w.UUID = uuid
	if w.State != before.State || !bytes.Equal(w.Doc, before.Doc) {
		m.hooksVer++
	}
	m.hooks[uuid] = w.clone()
	return w, nil
}

func (m *memory) DeleteWebhook(_ context.Context, uuid string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.hooks[uuid]; !ok {
		return ErrNotFound
	}
	delete(m.hooks, uuid)
	m.hooksVer++
	return nil
}

func (m *memory) Enqueue(_ context.Context, ds []Delivery, work []Work) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range ds {
		if _, dup := m.byID[ds[i].ID]; dup {
			return &DuplicateError{ID: ds[i].ID}
		}
	}
	for _, w := range work {
		if slices.ContainsFunc(ds, func(d Delivery) bool { return d.ID == w.DeliveryID }) {
			continue
		}
		r, ok := m.byID[w.DeliveryID]
		if _, has := m.work[w.DeliveryID]; !ok || r.terminal || has {
			return fmt.Errorf("store: work for delivery %s: no such live delivery without work", w.DeliveryID)
		}
	}
	for i := range ds {
		m.seq++
		ds[i].Seq = m.seq
		r := m.newRec(&ds[i])
		m.byID[r.id] = r
		m.log = append(m.log, r)
	}
	for _, w := range work {
		w = w.clone()
		if w.Owner == "" {
			w.LeaseUntil = time.Time{}
		}
		w.Reclaimed = false
		m.work[w.DeliveryID] = w
	}
	m.added += len(ds)
	if m.added >= retainEvery(m.o) {
		m.added = 0
		m.retainLocked(latest(ds))
	}
	if len(work) > 0 {
		m.signal()
	}
	return nil
}

func (m *memory) signal() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

func (m *memory) SaveDelivery(_ context.Context, d Delivery) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.saveLocked(d)
}

func (m *memory) saveLocked(d Delivery) error {
	cur, ok := m.byID[d.ID]
	switch {
	case !ok:
		return ErrNotFound
	case cur.terminal:
		return ErrTerminal
	}
	cur.status, cur.terminal, cur.updated = d.Status, d.Terminal, nanos(d.UpdatedAt)
	setData(m, cur, d.Doc, cur.eventID())
	return nil
}

func (m *memory) Delivery(_ context.Context, id string) (Delivery, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.byID[id]
	if !ok {
		return Delivery{}, ErrNotFound
	}
	return m.withSending(r.delivery()), nil
}

// withSending adds what the delivery's work marks as on the wire.
func (m *memory) withSending(d Delivery) Delivery {
	if w, ok := m.work[d.ID]; ok {
		d.Sending = w.Sending
	}
	return d
}

func (m *memory) Deliveries(_ context.Context, q Query) (Page, error) {
	limit, err := q.limit()
	if err != nil {
		return Page{}, err
	}
	after, err := decodeCursor(q.Cursor)
	if err != nil {
		return Page{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	start, _ := slices.BinarySearchFunc(m.log, after+1, func(r *rec, seq int64) int { return cmp.Compare(r.seq, seq) })
	window := m.log[start:]
	if q.Newest {
		end := len(m.log)
		if after > 0 {
			end, _ = slices.BinarySearchFunc(m.log, after, func(r *rec, seq int64) int { return cmp.Compare(r.seq, seq) })
		}
		window = m.log[:end]
	}
	p := Page{Deliveries: []Delivery{}}
	for i := range window {
		d := window[i]
		if q.Newest {
			d = window[len(window)-1-i]
		}
		if m.byID[d.id] != d || !d.match(q) {
			continue
		}
		if len(p.Deliveries) == limit {
			p.Next = encodeCursor(p.Deliveries[limit-1].Seq)
			break
		}
		p.Deliveries = append(p.Deliveries, m.withSending(d.delivery()))
	}
	return p, nil
}

func (m *memory) ResetDeliveries(context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.dropLocked(func(r *rec) bool { return r.terminal }), nil
}

// dropLocked forgets the deliveries drop selects and compacts the log.
func (m *memory) dropLocked(drop func(*rec) bool) int {
	n := 0
	kept := m.log[:0]
	for _, d := range m.log {
		if m.byID[d.id] != d {
			continue
		}
		if drop(d) {
			delete(m.byID, d.id)
			n++
			continue
		}
		kept = append(kept, d)
	}
	clear(m.log[len(kept):])
	m.log = kept
	return n
}

func (m *memory) Stats(context.Context) (Stats, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return Stats{Kept: len(m.byID), Evicted: m.counters[evictedCounter], Pending: len(m.work), Cap: m.o.MaxRecords}, nil
}

func (m *memory) Retain(_ context.Context, now time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.retainLocked(now), nil
}

func (m *memory) retainLocked(now time.Time) int {
	over := 0
	if m.o.MaxRecords > 0 && len(m.byID) > m.o.MaxRecords {
		over = len(m.byID) - m.o.MaxRecords + m.o.MaxRecords/10
	}
	var cutoff time.Time
	if m.o.MaxAge > 0 && !now.IsZero() {
		cutoff = now.Add(-m.o.MaxAge)
	}
	if over == 0 && cutoff.IsZero() {
		return 0
	}
	n := m.dropLocked(func(r *rec) bool {
		if !r.terminal {
			return false
		}
		if over > 0 {
			over--
			return true
		}
		return !cutoff.IsZero() && fromNanos(r.updated).Before(cutoff)
	})
	m.counters[evictedCounter] += int64(n)
	return n
}

func (m *memory) ClaimWork(_ context.Context, c Claim) ([]Work, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.owners[c.Owner] = c.WallNow.Add(c.Lease)
	var due []Work
	for _, w := range m.work {
		if w.Owner == "" && !w.Due.After(c.Now) || w.Owner != "" && !m.owners[w.Owner].After(c.WallNow) {
			due = append(due, w)
		}
	}
	slices.SortFunc(due, func(a, b Work) int { return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.DeliveryID, b.DeliveryID)) })
	if c.Max > 0 && len(due) > c.Max {
		due = due[:c.Max]
	}
	for i := range due {
		w := &due[i]
		w.Reclaimed = w.Owner != ""
		w.Owner, w.LeaseUntil = c.Owner, c.WallNow.Add(c.Lease)
		m.work[w.DeliveryID] = *w
		*w = w.clone()
	}
	return due, nil
}

func (m *memory) Finish(_ context.Context, owner string, d Delivery, next *Work) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.finishLocked(owner, d, next)
}

func (m *memory) finishLocked(owner string, d Delivery, next *Work) error {
	w, ok := m.work[d.ID]
	if !ok || w.Owner != owner {
		return ErrLeaseLost
	}
	err := m.saveLocked(d)
	if next == nil || err != nil {
		delete(m.work, d.ID)
		return err
	}
	n := next.clone()
	n.DeliveryID, n.Reclaimed = d.ID, false
	if n.Owner == "" {
		n.LeaseUntil = time.Time{}
		m.signal()
	}
	m.work[d.ID] = n
	return nil
}

func (m *memory) Mark(_ context.Context, owner, id string, attempt int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	w, ok := m.work[id]
	if !ok || w.Owner != owner {
		return ErrLeaseLost
	}
	w.Sending = attempt
	m.work[id] = w
	return nil
}

func (m *memory) Delivered(_ context.Context, owner string, d Delivery, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.finishLocked(owner, d, nil); err != nil {
		return err
	}
	if h, ok := m.hooks[d.WebhookUUID]; ok {
		h.FailedCount = 0
		if at.After(h.LastPushed) {
			h.LastPushed = at
		}
		m.hooks[d.WebhookUUID] = h
	}
	return nil
}

func (m *memory) Renew(_ context.Context, owner string, until time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.owners[owner] = until
	n := 0
	for id, w := range m.work {
		if w.Owner == owner {
			w.LeaseUntil = until
			m.work[id] = w
			n++
		}
	}
	return n, nil
}

func (m *memory) Release(_ context.Context, owner string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.owners, owner)
	n := 0
	for id, w := range m.work {
		if w.Owner == owner {
			w.Owner, w.LeaseUntil = "", time.Time{}
			m.work[id] = w
			n++
		}
	}
	if n > 0 {
		m.signal()
	}
	return n, nil
}

func (m *memory) NextDue(context.Context) (time.Time, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var first time.Time
	found := false
	for _, w := range m.work {
		if w.Owner == "" && (!found || w.Due.Before(first)) {
			first, found = w.Due, true
		}
	}
	return first, found, nil
}

func (m *memory) Wake() <-chan struct{} { return m.wake }

func (m *memory) PutDoc(_ context.Context, d Doc) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.docs[d.Kind] == nil {
		m.docs[d.Kind] = map[string][]byte{}
	}
	m.docs[d.Kind][d.Key] = clone(d.Doc)
	return nil
}

func (m *memory) DeleteDoc(_ context.Context, kind Kind, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.docs[kind][key]; !ok {
		return ErrNotFound
	}
	delete(m.docs[kind], key)
	return nil
}

func (m *memory) Docs(_ context.Context, kind Kind) ([]Doc, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []Doc{}
	for k, v := range m.docs[kind] {
		out = append(out, Doc{Kind: kind, Key: k, Doc: clone(v)})
	}
	slices.SortFunc(out, func(a, b Doc) int { return cmp.Compare(a.Key, b.Key) })
	return out, nil
}

func (m *memory) Add(_ context.Context, counter string, delta int64) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counters[counter] += delta
	return m.counters[counter], nil
}

// evictedCounter counts evictions across restarts.
const evictedCounter = "store.evicted"

// retainEvery is how many deliveries an Enqueue adds between retention
// passes: a tenth of the cap, so a full log costs one pass per cap/10.
func retainEvery(o Options) int {
	if o.MaxRecords <= 0 && o.MaxAge <= 0 {
		return int(^uint(0) >> 1)
	}
	if o.MaxRecords <= 0 {
		return 1000 // age only: often enough, and never a pass per call
	}
	return max(1, o.MaxRecords/10)
}

func latest(ds []Delivery) time.Time {
	var t time.Time
	for _, d := range ds {
		if d.CreatedAt.After(t) {
			t = d.CreatedAt
		}
	}
	return t
}

// rec is a delivery as the memory store keeps it, in less than half the
// space of a Delivery and its strings: times as the SQL stores keep them
// (Unix nanoseconds, UTC when read, so years 1678 to 2262 as there), and
// the document and the event id in one allocation, the event id pointing
// into the document when it is in it (it is in an event's body). A
// terminal record never changes again, so its bytes go into a slab shared
// with the records that ended around it (see keep).
type rec struct {
	id, hook, typ, status string
	seq, created, updated int64
	// data is the document (data[:docLen]), then the event id unless it
	// is inside the document; the event id is data[evAt:evAt+evLen].
	data                []byte
	docLen, evAt, evLen uint32
	terminal            bool
}

func (m *memory) newRec(d *Delivery) *rec {
	r := &rec{id: d.ID, hook: d.WebhookUUID, typ: d.EventType, status: d.Status, seq: d.Seq,
		created: nanos(d.CreatedAt), updated: nanos(d.UpdatedAt), terminal: d.Terminal}
	setData(m, r, d.Doc, d.EventID)
	return r
}

func (r *rec) doc() []byte     { return r.data[:r.docLen] }
func (r *rec) eventID() []byte { return r.data[r.evAt : r.evAt+r.evLen] }

// setData keeps a copy of doc and the event id, as one allocation: the
// record's own while it may change, a piece of the slab once it is
// terminal. ev may be the record's old data: it is read before that is
// replaced. It is a string or bytes, so that neither is copied to be the
// other.
func setData[S string | []byte](m *memory, r *rec, doc []byte, ev S) {
	at := index(doc, ev)
	n := len(doc)
	if at < 0 {
		n += len(ev)
	}
	var data []byte
	if r.terminal {
		data = m.keep(n)
	} else {
		data = make([]byte, n)
	}
	copy(data, doc)
	if at < 0 {
		copy(data[len(doc):], ev)
		at = len(doc)
	}
	r.data, r.docLen, r.evAt, r.evLen = data, uint32(len(doc)), uint32(at), uint32(len(ev))
}

// index is bytes.Index for a sub that may be a string.
func index[S string | []byte](b []byte, sub S) int {
	if len(sub) == 0 {
		return 0
	}
	for i := 0; i+len(sub) <= len(b); {
		j := bytes.IndexByte(b[i:len(b)-len(sub)+1], sub[0])
		if j < 0 {
			return -1
		}
		i += j
		if string(b[i:i+len(sub)]) == string(sub) {
			return i
		}
		i++
	}
	return -1
}

// slabSize is the size of the chunks terminal records are packed into.
// One allocation per record would round each up to its size class and
// leave the heap's spans shared with garbage of the same size; a chunk is
// as long-lived as the records in it, which end at about the same time
// and are evicted in about that order (oldest first, or by age), so a
// chunk is freed soon after its last record is.
const slabSize = 32 << 10

// keep is n bytes of the slab; a record of more than an eighth of it gets
// an allocation of its own.
func (m *memory) keep(n int) []byte {
	if n > slabSize/8 {
		return make([]byte, n)
	}
	if cap(m.slab)-len(m.slab) < n {
		m.slab = make([]byte, 0, slabSize)
	}
	start := len(m.slab)
	m.slab = m.slab[:start+n]
	return m.slab[start : start+n : start+n]
}

// delivery is the record as callers get it: their own copy.
func (r *rec) delivery() Delivery {
	return Delivery{ID: r.id, Seq: r.seq, WebhookUUID: r.hook, EventType: r.typ, EventID: string(r.eventID()), Status: r.status,
		Terminal: r.terminal, CreatedAt: fromNanos(r.created), UpdatedAt: fromNanos(r.updated), Doc: clone(r.doc())}
}

func (r *rec) match(q Query) bool {
	return (q.Webhook == "" || q.Webhook == r.hook) &&
		(q.Type == "" || q.Type == r.typ) &&
		(q.Event == "" || q.Event == string(r.eventID())) &&
		(q.Status == "" || q.Status == r.status) &&
		(q.Since.IsZero() || !fromNanos(r.created).Before(q.Since)) &&
		(q.Until.IsZero() || fromNanos(r.created).Before(q.Until))
}

// DuplicateError is a delivery id that is already stored.
type DuplicateError struct{ ID string }

func (e *DuplicateError) Error() string { return "store: delivery " + e.ID + " already exists" }
