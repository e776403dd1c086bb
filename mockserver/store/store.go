// Package store holds everything the mock provider knows, behind one
// contract with three backends: memory (ephemeral, the library's default),
// sqlite (one file, the server's default) and postgres (shared by several
// replicas). It keeps its own records: indexed columns for what queries,
// leases and the breaker need, and the engine's own encoding of the rest
// as an opaque document, so the engine's types can change without a
// migration.
//
// Every write is durable when the call returns. Pending work is claimed
// under a lease: a claim that is not finished before its lease expires is
// handed to the next claimer marked Reclaimed, which is how an attempt in
// flight when a process died comes to be recorded as interrupted.
package store

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Errors a caller can act on.
var (
	ErrNotFound  = errors.New("store: not found")
	ErrLeaseLost = errors.New("store: lease lost: the work is no longer claimed by this owner")
	ErrTerminal  = errors.New("store: the delivery is already terminal")
	ErrClosed    = errors.New("store: closed")
)

// Webhook is a registered webhook: its breaker state in columns, the rest
// as the engine encodes it.
type Webhook struct {
	UUID        string
	State       string
	FailedCount int
	// LastPushed is the last successful delivery; zero means never.
	LastPushed time.Time
	CreatedAt  time.Time
	Doc        []byte
}

// Delivery is one event on its way to one webhook. Doc is the engine's
// record of it, attempts included (a compact encoding that leaves out
// what the columns hold, or JSON in stores written before it); the
// columns beside it are what queries filter on.
type Delivery struct {
	ID string
	// Seq is the log's order, assigned by the store on Enqueue.
	Seq         int64
	WebhookUUID string
	EventType   string
	EventID     string
	Status      string
	// Terminal deliveries are final: the store refuses to change them, and
	// only they are evicted by retention.
	Terminal  bool
	CreatedAt time.Time
	UpdatedAt time.Time
	Doc       []byte
	// Sending is the attempt its work marks as on the wire (Mark, or
	// Work.Sending at Enqueue), 0 when none: what a reader in another
	// process (or after a restart) needs to show an attempt in flight that
	// the record, written before the send, does not hold. Read only:
	// SaveDelivery leaves it.
	Sending int
}

// Work is a delivery's next attempt, waiting or claimed. A delivery has at
// most one; the SQL backends keep it in the delivery's own row.
type Work struct {
	DeliveryID string
	// Due is on the provider's clock, which may be virtual.
	Due time.Time
	// Attempt counts the attempts made so far.
	Attempt int
	// Job is what the engine needs to send again (body, faults, ...).
	Job []byte

	// Set by Claim.
	Owner string
	// LeaseUntil is wall-clock time: a virtual clock that stands still
	// must not keep a dead owner's lease alive.
	LeaseUntil time.Time
	// Reclaimed says an earlier owner claimed this work and never finished
	// it: its attempt may have been in flight when that owner died.
	Reclaimed bool
	// Sending is the attempt Mark recorded as on the wire (0: none); a
	// reclaimed item with Sending set was interrupted mid-attempt.
	Sending int
}

// Claim asks for due work.
type Claim struct {
	Owner string
	// Now is the provider's clock: work due at or before it is claimed.
	Now time.Time
	// WallNow and Lease set LeaseUntil; expired leases are claimed again.
	WallNow time.Time
	Lease   time.Duration
	Max     int
}

// Kind names a collection of documents.
type Kind string

// The collections the provider keeps.
const (
	KindSchedule    Kind = "schedule"
	KindScenario    Kind = "scenario"
	KindActionError Kind = "action-error"
	KindState       Kind = "state" // single values: the clock's start, the seed
)

// Doc is one document of a collection.
type Doc struct {
	Kind Kind
	Key  string
	Doc  []byte
}

// Query selects deliveries, oldest first; empty fields match everything.
type Query struct {
	Webhook string
	Type    string
	Event   string
	Status  string
	// Since and Until bound CreatedAt: Since <= CreatedAt < Until.
	Since, Until time.Time
	// Limit is the page size: DefaultLimit when 0, at most MaxLimit.
	Limit int
	// Cursor continues after the previous page (Page.Next).
	Cursor string
	// Newest pages from the newest record back (the inspector's list);
	// a cursor continues in the order of the query that issued it.
	Newest bool
}

// Page limits.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// Page is one page of a query; Next is empty on the last page.
type Page struct {
	Deliveries []Delivery
	Next       string
}

// Stats counts the log.
type Stats struct {
	Kept    int   `json:"kept"`
	Evicted int64 `json:"evicted"`
	Pending int   `json:"pending"`
	Cap     int   `json:"cap"`
}

// Store is the contract every backend meets; the conformance suite in
// storetest proves it for each.
type Store interface {
	// Backend names the backend: memory, sqlite or postgres.
	Backend() string
	// Location says where the data lives (a file, a database), for logs.
	Location() string
	// Shared says other processes may write the store while this one
	// runs (postgres), so that caches of it must be checked; a SQLite
	// file is locked to one process.
	Shared() bool
	Close() error

	PutWebhook(ctx context.Context, w Webhook) error
	Webhook(ctx context.Context, uuid string) (Webhook, error)
	// Webhooks lists by CreatedAt, then UUID.
	Webhooks(ctx context.Context) ([]Webhook, error)
	// WebhooksVersion changes whenever a webhook is created or deleted,
	// or changes state or document (breaker counts alone leave it), so
	// that a replica reloads its cache of webhooks only then.
	WebhooksVersion(ctx context.Context) (int64, error)
	// UpdateWebhook changes a webhook in one transaction, with the row
	// locked against other replicas; fn must not call the store.
	UpdateWebhook(ctx context.Context, uuid string, fn func(*Webhook) error) (Webhook, error)
	DeleteWebhook(ctx context.Context, uuid string) error

	// Enqueue records deliveries and their pending work in one
	// transaction, setting each delivery's Seq. Each Work is for one of ds,
	// or for a live delivery recorded earlier that has none; anything else
	// fails the whole call. Work with an Owner stays
	// with it while the owner's lease lasts (see Renew): the process that
	// enqueues it sends it. Work.Sending, when set, is an attempt already
	// on its way to the wire, marked as Mark would.
	Enqueue(ctx context.Context, ds []Delivery, work []Work) error
	// SaveDelivery replaces a live delivery's record (ErrTerminal once it
	// is final, ErrNotFound if unknown); its webhook, type and event stay
	// as enqueued, so that their indexes are never rewritten.
	SaveDelivery(ctx context.Context, d Delivery) error
	Delivery(ctx context.Context, id string) (Delivery, error)
	Deliveries(ctx context.Context, q Query) (Page, error)
	// ResetDeliveries forgets terminal deliveries; live ones stay.
	ResetDeliveries(ctx context.Context) (int, error)
	Stats(ctx context.Context) (Stats, error)
	// Retain evicts terminal deliveries past the retention limits, oldest
	// first, and counts them; now is the provider's clock.
	Retain(ctx context.Context, now time.Time) (int, error)

	// ClaimWork leases due work to c.Owner; each item goes to one owner.
	ClaimWork(ctx context.Context, c Claim) ([]Work, error)
	// Finish saves the delivery and either removes its work (next nil) or
	// replaces it with next: unclaimed, or still leased when next.Owner is
	// set. ErrLeaseLost if owner no longer holds it.
	Finish(ctx context.Context, owner string, d Delivery, next *Work) error
	// Mark records that attempt is going on the wire (Work.Sending), if
	// owner still holds the work (ErrLeaseLost otherwise). It is the one
	// write before every send, so it writes that one column alone.
	Mark(ctx context.Context, owner, deliveryID string, attempt int) error
	// Delivered is Finish with no next work for a delivery whose attempt
	// succeeded, with the webhook's success (failed count back to 0, last
	// pushed at) in the same transaction.
	Delivered(ctx context.Context, owner string, d Delivery, at time.Time) error
	// Renew extends owner's lease to until, and with it every item it
	// holds: a lease is the owner's heartbeat, one row however much it
	// holds. ClaimWork renews the claimer's lease too.
	Renew(ctx context.Context, owner string, until time.Time) (int, error)
	// Release gives up every lease owner holds, leaving the work for the
	// next claimer (a graceful shutdown does this).
	Release(ctx context.Context, owner string) (int, error)
	// NextDue is the earliest due time of unclaimed work.
	NextDue(ctx context.Context) (time.Time, bool, error)
	// Wake receives a value when work may have become claimable, from
	// this process or (on postgres) any other.
	Wake() <-chan struct{}

	PutDoc(ctx context.Context, d Doc) error
	DeleteDoc(ctx context.Context, kind Kind, key string) error
	// Docs lists a collection by key.
	Docs(ctx context.Context, kind Kind) ([]Doc, error)
	// Add adds delta to a named counter and returns the new value; the
	// virtual clock's offset and the generator's stream position are
	// counters, so that replicas advance them together.
	Add(ctx context.Context, counter string, delta int64) (int64, error)
}

// Options tune a store.
type Options struct {
	// MaxRecords keeps at most this many deliveries (0: no cap), evicting
	// the oldest terminal ones and counting them.
	MaxRecords int
	// MaxAge evicts terminal deliveries last updated longer ago (0: never).
	MaxAge time.Duration
	// Reset forgets everything stored before.
	Reset bool
}

// Open opens a store from its flag value: "memory", "sqlite:PATH" or a
// postgres:// (postgresql://) URL.
func Open(ctx context.Context, spec string, o Options) (Store, error) {
	switch {
	case spec == "memory":
		return NewMemory(o), nil
	case strings.HasPrefix(spec, "sqlite:"):
		path := strings.TrimPrefix(spec, "sqlite:")
		if path == "" {
			return nil, fmt.Errorf("store %q: sqlite needs a file path, as sqlite:/var/lib/hookmock/state.db", spec)
		}
		return OpenSQLite(ctx, path, o)
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		return OpenPostgres(ctx, spec, o)
	}
	return nil, fmt.Errorf("store %q: want memory, sqlite:PATH or postgres://user@host/db", spec)
}

// Each calls fn for every delivery the query selects, oldest first, one
// page at a time: memory stays bounded by a page however long the log.
func Each(ctx context.Context, s Store, q Query, fn func(Delivery) error) error {
	if q.Limit == 0 {
		q.Limit = 500
	}
	for {
		p, err := s.Deliveries(ctx, q)
		if err != nil {
			return err
		}
		for _, d := range p.Deliveries {
			if err := fn(d); err != nil {
				return err
			}
		}
		if p.Next == "" {
			return nil
		}
		q.Cursor = p.Next
	}
}

// CursorError is a cursor the store did not issue.
type CursorError struct{ Cursor string }

func (e *CursorError) Error() string {
	return fmt.Sprintf("cursor %q: not a cursor this server issued (pass the `next` value of the previous page)", e.Cursor)
}

const cursorPrefix = "d1."

func encodeCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(seq, 10)))
}

// decodeCursor returns the Seq after which the page starts.
func decodeCursor(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		if s, ok := strings.CutPrefix(string(b), cursorPrefix); ok {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
				return n, nil
			}
		}
	}
	return 0, &CursorError{Cursor: c}
}

// LimitError is a page size out of range.
type LimitError struct{ Limit int }

func (e *LimitError) Error() string {
	return fmt.Sprintf("limit %d: want 1..%d", e.Limit, MaxLimit)
}

func (q Query) limit() (int, error) {
	switch {
	case q.Limit == 0:
		return DefaultLimit, nil
	case q.Limit < 0 || q.Limit > MaxLimit:
		return 0, &LimitError{Limit: q.Limit}
	}
	return q.Limit, nil
}

// SchemaError is a store written by a newer hookmock.
type SchemaError struct {
	Location   string
	Found, Max int
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("store %s has schema version %d, written by a newer hookmock; this one knows versions up to %d: upgrade hookmock, or use another store (--store) or --reset", e.Location, e.Found, e.Max)
}
