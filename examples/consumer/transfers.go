package main

import (
	"slices"
	"sync"
	"time"
)

// Stage is how far a call transfer has got.
type Stage int

// The stages in the order they happen.
const (
	Triggered Stage = iota + 1
	Initiated
	Answered
	Completed
)

var stageNames = [...]string{Triggered: "triggered", Initiated: "initiated", Answered: "answered", Completed: "completed"}

func (s Stage) String() string {
	if s < Triggered || s > Completed {
		return "unknown"
	}
	return stageNames[s]
}

// stageOf maps an event type to the stage it reports.
var stageOf = map[string]Stage{
	"calltransfer.triggered": Triggered,
	"calltransfer.initiated": Initiated,
	"calltransfer.answered":  Answered,
	"calltransfer.completed": Completed,
}

// Transfer is what the consumer knows of one call transfer, keyed by the
// transferred participant's session_id.
type Transfer struct {
	SessionID  string
	Room       string
	From, To   string
	IsSIPRefer bool
	// Stage is the furthest stage reported. Events may arrive out of
	// order, so a late "answered" after "completed" does not move it back.
	Stage Stage
	// Seen lists the stages reported so far, in the order they arrived.
	Seen    []Stage
	Updated time.Time
}

// Parked is a delivery that was authentic but unusable: acknowledged, so
// that Daily does not count it as a failure, and kept for a person to look at.
type Parked struct {
	At     time.Time
	Reason string
	Body   []byte
}

// Transfers is the consumer's state. In production this is a database
// table with a unique index on the event id, so that idempotency survives
// restarts and holds across replicas; the logic is the same.
type Transfers struct {
	mu        sync.Mutex
	processed map[string]int // event id → times applied (1 at most)
	byCall    map[string]*Transfer
	parked    []Parked
}

// NewTransfers returns an empty state.
func NewTransfers() *Transfers {
	return &Transfers{processed: map[string]int{}, byCall: map[string]*Transfer{}}
}

// Apply records an event once; a repeated id is a duplicate delivery and
// changes nothing. It reports whether the event was applied.
func (t *Transfers) Apply(id string, stage Stage, p TransferPayload, at time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.processed[id] > 0 {
		return false
	}
	t.processed[id]++
	tr, ok := t.byCall[p.SessionID]
	if !ok {
		tr = &Transfer{SessionID: p.SessionID}
		t.byCall[p.SessionID] = tr
	}
	// Any event may be the first to arrive: fill in what it carries.
	tr.Room = first(tr.Room, p.Room)
	tr.From = first(tr.From, p.FromEndpoint)
	tr.To = first(tr.To, p.ToEndpoint)
	if p.IsSIPRefer != nil {
		tr.IsSIPRefer = *p.IsSIPRefer
	}
	tr.Stage = max(tr.Stage, stage)
	tr.Seen = append(tr.Seen, stage)
	tr.Updated = at
	return true
}

// Park keeps an unusable delivery.
func (t *Transfers) Park(reason string, body []byte, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	// Bounded, so that a stream of junk cannot exhaust memory.
	if len(t.parked) < 1000 {
		t.parked = append(t.parked, Parked{At: at, Reason: reason, Body: slices.Clone(body)})
	}
}

// Transfer returns a copy of one transfer.
func (t *Transfers) Transfer(sessionID string) (Transfer, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tr, ok := t.byCall[sessionID]
	if !ok {
		return Transfer{}, false
	}
	c := *tr
	c.Seen = slices.Clone(tr.Seen)
	return c, true
}

// Processed says how many times an event id was applied: 0 or 1.
func (t *Transfers) Processed(id string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.processed[id]
}

// Parked returns the parked deliveries.
func (t *Transfers) Parked() []Parked {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.parked)
}

func first(have, got string) string {
	if have != "" {
		return have
	}
	return got
}
