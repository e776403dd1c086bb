package mockserver

import (
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/signing"
)

// Webhook states, as Daily names them.
const (
	StateActive = "ACTIVE"
	StateFailed = "FAILED"
)

// Retry types, as Daily names them.
const (
	RetryCircuitBreaker = "circuit-breaker"
	RetryExponential    = "exponential"
)

// Webhook is Daily's webhook object. JSON keys are Daily's camelCase ones;
// `signing` is hookmock's own addition (Daily always signs its own way).
type Webhook struct {
	UUID             string         `json:"uuid"`
	URL              string         `json:"url"`
	HMAC             string         `json:"hmac"`
	BasicAuth        string         `json:"basicAuth,omitempty"`
	RetryType        string         `json:"retryType"`
	EventTypes       []string       `json:"eventTypes"`
	State            string         `json:"state"`
	FailedCount      int            `json:"failedCount"`
	LastMomentPushed *time.Time     `json:"lastMomentPushed,omitempty"`
	DomainID         string         `json:"domainId"`
	CreatedAt        time.Time      `json:"createdAt"`
	UpdatedAt        time.Time      `json:"updatedAt"`
	Signing          signing.Scheme `json:"signing"`
}

// subscribed reports whether the webhook wants events of type t; an empty
// list means every event.
func (w *Webhook) subscribed(t string) bool {
	return len(w.EventTypes) == 0 || slices.Contains(w.EventTypes, t)
}

// registry holds the webhooks. Delivery workers read and update failure
// counts concurrently with the management API, so every access is locked.
type registry struct {
	mu       sync.Mutex
	hooks    map[string]*Webhook
	rng      *rand.Rand // seeded: same seed, same uuids
	secrets  io.Reader  // see newSecretSource
	domainID string
	// s holds the webhooks; the map caches it (see webhookstore.go).
	s      store.Store
	shared bool
	log    *slog.Logger
	// version is the store's webhooks version the cache was loaded at.
	version int64
}

func newRegistry(seed uint64, seededSecrets bool) *registry {
	r := &registry{hooks: map[string]*Webhook{}, rng: rand.New(rand.NewPCG(seed, 0x686f6f6b6d6f636b)),
		secrets: newSecretSource(seed, seededSecrets)}
	r.domainID = r.uuidLocked()
	return r
}

// uuidLocked makes a version-4 UUID from the registry's random stream.
func (r *registry) uuidLocked() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(r.rng.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	u := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	if _, taken := r.hooks[u]; taken {
		// A restart with the same seed replays the stream: skip the
		// uuids the store already holds.
		return r.uuidLocked()
	}
	return u
}

// secretLocked provisions a 32-byte secret in the scheme's format.
func (r *registry) secretLocked(scheme signing.Scheme) string {
	var b [32]byte
	_, _ = io.ReadFull(r.secrets, b[:])
	s := base64.StdEncoding.EncodeToString(b[:])
	if scheme == signing.Standard {
		return "whsec_" + s
	}
	return s
}

func (r *registry) list() []Webhook {
	r.mu.Lock()
	defer r.mu.Unlock()
	// In full: breaker counts and last pushed change without the version.
	r.reloadAllLocked()
	out := make([]Webhook, 0, len(r.hooks))
	for _, w := range r.hooks {
		out = append(out, w.copy())
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].CreatedAt.Before(out[j].CreatedAt) || out[i].CreatedAt.Equal(out[j].CreatedAt) && out[i].UUID < out[j].UUID
	})
	return out
}

func (r *registry) get(id string) (Webhook, bool) { return r.lookup(id, (*Webhook).copy) }

// forSend is get for the engine, which reads a webhook to send to it: a
// copy without the fields it never reads (sendCopy).
func (r *registry) forSend(id string) (Webhook, bool) { return r.lookup(id, (*Webhook).sendCopy) }

// lookup returns webhook id, copied by cp.
func (r *registry) lookup(id string, cp func(*Webhook) Webhook) (Webhook, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w, ok := r.hooks[id]
	if !ok && r.shared {
		// Perhaps created through another replica.
		r.refreshLocked()
		w, ok = r.hooks[id]
	}
	if !ok {
		return Webhook{}, false
	}
	return cp(w), true
}

// sendCopy is w as the engine reads it to record and send a delivery,
// without EventTypes and LastMomentPushed: copy allocates for them, and
// the engine would pay that on every event and every attempt.
func (w *Webhook) sendCopy() Webhook {
	c := *w
	c.EventTypes, c.LastMomentPushed = nil, nil
	return c
}

func (w *Webhook) copy() Webhook {
	c := *w
	c.EventTypes = append([]string{}, w.EventTypes...)
	if w.LastMomentPushed != nil {
		t := *w.LastMomentPushed
		c.LastMomentPushed = &t
	}
	return c
}

// targets returns the webhooks an event of type t goes to, split by
// state, as the engine reads them (sendCopy).
func (r *registry) targets(t string) (active, failed []Webhook) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refreshLocked()
	for _, w := range r.hooks {
		if !w.subscribed(t) {
			continue
		}
		if w.State == StateActive {
			active = append(active, w.sendCopy())
		} else {
			failed = append(failed, w.sendCopy())
		}
	}
	byUUID := func(a, b Webhook) int {
		if a.UUID < b.UUID {
			return -1
		}
		return 1
	}
	slices.SortFunc(active, byUUID)
	slices.SortFunc(failed, byUUID)
	return active, failed
}

// state returns a webhook's current state, or false once it is deleted.
func (r *registry) state(id string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w, ok := r.hooks[id]
	if !ok {
		return "", false
	}
	return w.State, true
}
