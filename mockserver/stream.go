package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// StreamBuffer is how many recent entries GET /_mock/stream keeps for
// clients that reconnect with Last-Event-ID. A client further behind is
// told to reload (event "reload") and continues from the newest entry.
const StreamBuffer = 10_000

// streamBatch is the shortest gap between two writes to one stream
// client: changes that come faster are sent together, so that a client
// keeps up at thousands of changes a second with a few dozen writes.
const streamBatch = 25 * time.Millisecond

// streamHeartbeat keeps idle connections (and the proxies between) open.
const streamHeartbeat = 15 * time.Second

// StreamEntry is one entry of the live stream: a change of the delivery
// log, as small as a row of the page needs.
type StreamEntry struct {
	ID       uint64          `json:"id"`
	Kind     ChangeKind      `json:"kind"`
	At       time.Time       `json:"at"`
	Delivery *DeliveryRow    `json:"delivery,omitempty"`
	Attempt  *AttemptRow     `json:"attempt,omitempty"`
	Webhook  *WebhookSummary `json:"webhook,omitempty"`
}

// DeliveryRow is a delivery without its attempts' bodies.
type DeliveryRow struct {
	ID            string     `json:"id"`
	WebhookUUID   string     `json:"webhookUuid"`
	URL           string     `json:"url"`
	EventType     string     `json:"eventType"`
	EventID       string     `json:"eventId"`
	Status        Status     `json:"status"`
	Reason        string     `json:"reason,omitempty"`
	CreatedAt     time.Time  `json:"createdAt"`
	UpdatedAt     time.Time  `json:"updatedAt"`
	NextAttemptAt *time.Time `json:"nextAttemptAt,omitempty"`
	Attempts      int        `json:"attempts"`
	// Sending is the attempt on the wire right now (0: none).
	Sending int `json:"sending,omitempty"`
	// LastStatus is the last attempt's HTTP status (0: none, or no answer).
	LastStatus int      `json:"lastStatus"`
	Faults     []string `json:"faults,omitempty"`
	ReplayOf   string   `json:"replayOf,omitempty"`
}

// AttemptRow is an attempt without its bodies and headers.
type AttemptRow struct {
	N         int       `json:"n"`
	At        time.Time `json:"at"`
	Status    int       `json:"status"`
	LatencyMS float64   `json:"latencyMs"`
	Outcome   string    `json:"outcome"`
	Error     string    `json:"error,omitempty"`
}

func rowOf(d *Delivery) DeliveryRow {
	r := DeliveryRow{ID: d.ID, WebhookUUID: d.WebhookUUID, URL: d.URL, EventType: d.EventType, EventID: d.EventID,
		Status: d.Status, Reason: d.Reason, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, NextAttemptAt: d.NextAttemptAt,
		Attempts: len(d.Attempts), Sending: d.Sending, Faults: d.Faults, ReplayOf: d.ReplayOf}
	if n := len(d.Attempts); n > 0 {
		r.LastStatus = statusOf(d.Attempts[n-1])
	}
	return r
}

func attemptRowOf(a *Attempt) AttemptRow {
	return AttemptRow{N: a.N, At: a.At, Status: statusOf(*a), LatencyMS: a.LatencyMS, Outcome: a.Outcome, Error: a.Error}
}

// stream is a ring of recent entries and a way to wait for new ones.
//
// Every change of every delivery is published (four per delivered event),
// whether or not anyone watches, since a client may connect later and ask
// for what it missed. So a publish allocates nothing: the ring keeps each
// entry's rows by value in chunks made once as it first fills, and the
// wake channel is replaced only after someone has taken it. The pointers
// of StreamEntry are made when entries are read.
type stream struct {
	mu     sync.Mutex
	last   uint64 // id of the newest entry; ids start at 1
	size   uint64 // entries kept
	chunks [][]streamSlot
	wake   chan struct{} // closed at the first publish after since handed it out
	taken  bool          // wake was handed out since it was made
	// done ends every stream, at shutdown.
	done     chan struct{}
	doneOnce sync.Once
}

// streamChunk is how many entries the ring makes room for at a time.
const streamChunk = 256

// streamSlot is a StreamEntry as the ring keeps it, without pointers of
// its own (Webhook is shared: it is made once per FAILED turn).
type streamSlot struct {
	id          uint64
	kind        ChangeKind
	at          time.Time
	hasDelivery bool
	hasAttempt  bool
	delivery    DeliveryRow
	attempt     AttemptRow
	webhook     *WebhookSummary
}

func (s *stream) close() { s.doneOnce.Do(func() { close(s.done) }) }

func newStream(size int) *stream {
	return &stream{size: uint64(max(1, size)), wake: make(chan struct{}), done: make(chan struct{})}
}

// slot is where entry id is kept, made on first use.
func (s *stream) slot(id uint64) *streamSlot {
	i := (id - 1) % s.size
	c := i / streamChunk
	for uint64(len(s.chunks)) <= c {
		s.chunks = append(s.chunks, make([]streamSlot, min(streamChunk, s.size-uint64(len(s.chunks))*streamChunk)))
	}
	return &s.chunks[c][i%streamChunk]
}

// publish adds an entry: a change of d (nil for none), with the attempt a
// just recorded (nil for none), or webhook h turning FAILED. d and a are
// copied into the ring, not kept.
func (s *stream) publish(kind ChangeKind, at time.Time, d *Delivery, a *Attempt, h *WebhookSummary) {
	s.mu.Lock()
	s.last++
	sl := s.slot(s.last)
	*sl = streamSlot{id: s.last, kind: kind, at: at, webhook: h}
	if d != nil {
		sl.hasDelivery, sl.delivery = true, rowOf(d)
	}
	if a != nil {
		sl.hasAttempt, sl.attempt = true, attemptRowOf(a)
	}
	if s.taken {
		close(s.wake)
		s.wake, s.taken = make(chan struct{}), false
	}
	s.mu.Unlock()
}

// entry is slot sl as readers see it.
func (sl *streamSlot) entry() StreamEntry {
	e := StreamEntry{ID: sl.id, Kind: sl.kind, At: sl.at, Webhook: sl.webhook}
	if sl.hasDelivery {
		row := sl.delivery
		e.Delivery = &row
	}
	if sl.hasAttempt {
		a := sl.attempt
		e.Attempt = &a
	}
	return e
}

// since returns up to max entries after id after, whether entries after
// it were already overwritten (the client must reload), and a channel
// closed at the next publish.
func (s *stream) since(after uint64, max int) (out []StreamEntry, gap bool, newest uint64, wake <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.taken = true
	if s.last > s.size && after < s.last-s.size {
		return nil, true, s.last, s.wake
	}
	for id := after + 1; id <= s.last && len(out) < max; id++ {
		out = append(out, s.slot(id).entry())
	}
	return out, false, s.last, s.wake
}

func (s *stream) newest() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// getStream serves the live stream as server-sent events. Each entry has
// its id; a client reconnecting with Last-Event-ID gets what it missed,
// or an event "reload" when that is no longer kept. Without it the stream
// starts at the newest entry (?from=0 replays every kept entry).
func (p *Provider) getStream(w http.ResponseWriter, r *http.Request) {
	after := p.stream.newest()
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			writeError(w, badRequest("Last-Event-ID", "want the id of an entry, a non-negative integer, got %q", v))
			return
		}
		after = n
	} else if v := r.URL.Query().Get("from"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			writeError(w, badRequest("from", "want an entry id, a non-negative integer, got %q", v))
			return
		}
		after = n
	}
	if after > p.stream.newest() {
		after = p.stream.newest()
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// The server's WriteTimeout bounds whole responses; a stream is
	// extended before every write instead.
	extend := func() { _ = rc.SetWriteDeadline(time.Now().Add(p.opts.Server.Write + 2*streamHeartbeat)) }
	extend()
	fmt.Fprintf(w, "retry: 1000\n: hookmock stream, entries after %d\n\n", after)
	if rc.Flush() != nil {
		return
	}
	heartbeat := time.NewTicker(streamHeartbeat)
	defer heartbeat.Stop()
	var buf []byte
	for {
		entries, gap, newest, wake := p.stream.since(after, 1000)
		extend()
		switch {
		case gap:
			fmt.Fprintf(w, "id: %d\nevent: reload\ndata: {\"reason\":\"the stream keeps the last %d entries; reload the list\"}\n\n", newest, StreamBuffer)
			after = newest
		case len(entries) > 0:
			buf = buf[:0]
			for i := range entries {
				data, _ := json.Marshal(&entries[i])
				buf = fmt.Appendf(buf, "id: %d\nevent: %s\ndata: %s\n\n", entries[i].ID, entries[i].Kind, data)
			}
			after = entries[len(entries)-1].ID
			if _, err := w.Write(buf); err != nil {
				return
			}
		}
		if rc.Flush() != nil {
			return
		}
		if len(entries) == 1000 {
			continue
		}
		select {
		case <-r.Context().Done():
			return
		case <-p.stream.done:
			return
		case <-heartbeat.C:
			extend()
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
			continue
		case <-wake:
		}
		// Let changes that come close together go out in one write.
		t := time.NewTimer(streamBatch)
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}
