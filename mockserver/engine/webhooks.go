package engine

import (
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
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

// Registry holds the webhooks. Delivery workers read and update failure
// counts concurrently with the management API, so every access is locked.
type Registry struct {
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

// NewRegistry makes an empty registry whose uuids (and, with
// seededSecrets, secrets) come from seed; Attach loads it from a store.
func NewRegistry(seed uint64, seededSecrets bool) *Registry {
	r := &Registry{hooks: map[string]*Webhook{}, rng: rand.New(rand.NewPCG(seed, 0x686f6f6b6d6f636b)),
		secrets: newSecretSource(seed, seededSecrets)}
	r.domainID = r.uuidLocked()
	return r
}

// uuidLocked makes a version-4 UUID from the registry's random stream.
func (r *Registry) uuidLocked() string {
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
func (r *Registry) secretLocked(scheme signing.Scheme) string {
	var b [32]byte
	_, _ = io.ReadFull(r.secrets, b[:])
	s := base64.StdEncoding.EncodeToString(b[:])
	if scheme == signing.Standard {
		return "whsec_" + s
	}
	return s
}

// List returns every webhook, oldest first.
func (r *Registry) List() []Webhook {
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

// Get returns webhook id, a copy.
func (r *Registry) Get(id string) (Webhook, bool) { return r.lookup(id, (*Webhook).copy) }

// forSend is get for the engine, which reads a webhook to send to it: a
// copy without the fields it never reads (sendCopy).
func (r *Registry) forSend(id string) (Webhook, bool) { return r.lookup(id, (*Webhook).sendCopy) }

// lookup returns webhook id, copied by cp.
func (r *Registry) lookup(id string, cp func(*Webhook) Webhook) (Webhook, bool) {
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
func (r *Registry) targets(t string) (active, failed []Webhook) {
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
func (r *Registry) state(id string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w, ok := r.hooks[id]
	if !ok {
		return "", false
	}
	return w.State, true
}

// newSecretSource is where provisioned hmac secrets come from: crypto/rand,
// or with seeded a stream keyed by the seed (apart from the uuid stream, so
// that uuids are the same either way).
func newSecretSource(seed uint64, seeded bool) io.Reader {
	if !seeded {
		return crand.Reader
	}
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:8], seed)
	return rand.NewChaCha8(sha256.Sum256(append(key[:8], "hookmock secrets"...)))
}

// DomainID is the domain every webhook of this provider belongs to.
func (r *Registry) DomainID() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.domainID
}

// Provision gives hook its uuid, its domain and, when it brings none, a
// secret in its scheme's format, after check has accepted the number of
// webhooks there are (the API's one-per-domain rule and its limit).
func (r *Registry) Provision(hook *Webhook, check func(count int) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refreshLocked()
	if err := check(len(r.hooks)); err != nil {
		return err
	}
	hook.UUID = r.uuidLocked()
	hook.DomainID = r.domainID
	if hook.HMAC == "" {
		hook.HMAC = r.secretLocked(hook.Signing)
	}
	return nil
}

// Add registers a provisioned webhook if check still accepts the number
// of webhooks there are: the probe ran between Provision and Add, unlocked.
// A check's error is returned as it is.
func (r *Registry) Add(hook *Webhook, check func(count int) error) (Webhook, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refreshLocked()
	if err := check(len(r.hooks)); err != nil {
		return Webhook{}, err
	}
	if err := r.saveLocked(hook); err != nil {
		return Webhook{}, err
	}
	return hook.copy(), nil
}

// Reactivate stores next in place of the webhook of its uuid, ACTIVE
// again with no failures counted, as an update that passed the probe
// leaves it; found is false when that webhook is gone, and reactivated
// says whether it was FAILED.
func (r *Registry) Reactivate(next Webhook, now time.Time) (out Webhook, found, reactivated bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	hook, ok := r.hooks[next.UUID]
	if !ok {
		return Webhook{}, false, false, nil
	}
	reactivated = hook.State == StateFailed
	next.State, next.FailedCount = StateActive, 0
	next.UpdatedAt = now
	if err := r.saveLocked(&next); err != nil {
		return Webhook{}, true, reactivated, err
	}
	return next.copy(), true, reactivated, nil
}

// Remove deletes a webhook; false if there was none.
func (r *Registry) Remove(id string) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.removeLocked(id)
}
