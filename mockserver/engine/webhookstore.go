package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hookmock/hookmock/mockserver/store"
)

// The registry's map is a cache of the store's webhooks. Every change is
// written through; on a shared store the cache is reloaded wherever
// another replica's change matters (targets of an event, listings), and
// breaker counts change in one store transaction, so that replicas
// sharing a database count every failure once.

func hookRecord(w *Webhook) store.Webhook {
	doc, _ := json.Marshal(w) // a Webhook always encodes
	r := store.Webhook{UUID: w.UUID, State: w.State, FailedCount: w.FailedCount, CreatedAt: w.CreatedAt, Doc: doc}
	if w.LastMomentPushed != nil {
		r.LastPushed = *w.LastMomentPushed
	}
	return r
}

func decodeHook(r store.Webhook) (*Webhook, error) {
	var w Webhook
	if err := json.Unmarshal(r.Doc, &w); err != nil {
		return nil, fmt.Errorf("store: webhook %s: %w", r.UUID, err)
	}
	// The columns are the truth for the breaker: they change without the doc.
	w.State, w.FailedCount = r.State, r.FailedCount
	w.LastMomentPushed = nil
	if !r.LastPushed.IsZero() {
		t := r.LastPushed.UTC()
		w.LastMomentPushed = &t
	}
	return &w, nil
}

const domainKey = "domainId"

// Attach loads the store's webhooks and domain id (or records ours).
func (r *Registry) Attach(s store.Store, shared bool, log *slog.Logger) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.s, r.shared, r.log = s, shared, log
	ctx := context.Background()
	docs, err := s.Docs(ctx, store.KindState)
	if err != nil {
		return fmt.Errorf("store %s: %w", s.Location(), err)
	}
	found := false
	for _, d := range docs {
		if d.Key == domainKey {
			r.domainID, found = string(d.Doc), true
		}
	}
	if !found {
		if err := s.PutDoc(ctx, store.Doc{Kind: store.KindState, Key: domainKey, Doc: []byte(r.domainID)}); err != nil {
			return fmt.Errorf("store %s: %w", s.Location(), err)
		}
	}
	return r.reloadLocked()
}

// reloadLocked replaces the cache with the store's webhooks.
func (r *Registry) reloadLocked() error {
	if r.s == nil {
		return nil
	}
	// Read first: a change committed after it reloads again next time.
	v, err := r.s.WebhooksVersion(context.Background())
	if err != nil {
		return fmt.Errorf("store %s: reading the webhooks' version: %w", r.s.Location(), err)
	}
	list, err := r.s.Webhooks(context.Background())
	if err != nil {
		return fmt.Errorf("store %s: reading webhooks: %w", r.s.Location(), err)
	}
	hooks := make(map[string]*Webhook, len(list))
	for _, rec := range list {
		w, err := decodeHook(rec)
		if err != nil {
			return err
		}
		hooks[w.UUID] = w
	}
	r.hooks, r.version = hooks, v
	return nil
}

// refreshLocked reloads on a shared store (other replicas write it)
// when a webhook was created, deleted or changed state or document since
// the last load: one indexed read per event instead of every webhook.
func (r *Registry) refreshLocked() {
	if !r.shared {
		return
	}
	v, err := r.s.WebhooksVersion(context.Background())
	if err == nil && v == r.version {
		return
	}
	if err == nil {
		err = r.reloadLocked()
	}
	if err != nil {
		r.log.Error("reloading webhooks", "err", err)
	}
}

// reloadAllLocked reloads on a shared store whatever the version.
func (r *Registry) reloadAllLocked() {
	if !r.shared {
		return
	}
	if err := r.reloadLocked(); err != nil {
		r.log.Error("reloading webhooks", "err", err)
	}
}

// pushed records a success in the cache; the store has it from the
// delivery's own write (store.Delivered).
func (r *Registry) pushed(id string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if w, ok := r.hooks[id]; ok {
		w.FailedCount = 0
		if w.LastMomentPushed == nil || at.After(*w.LastMomentPushed) {
			t := at.UTC()
			w.LastMomentPushed = &t
		}
	}
}

// saveLocked writes a created or updated webhook through.
func (r *Registry) saveLocked(w *Webhook) error {
	if err := r.s.PutWebhook(context.Background(), hookRecord(w)); err != nil {
		return fmt.Errorf("store %s: saving webhook %s: %w", r.s.Location(), w.UUID, err)
	}
	r.hooks[w.UUID] = w
	return nil
}

// removeLocked deletes a webhook; false if there was none.
func (r *Registry) removeLocked(id string) (bool, error) {
	err := r.s.DeleteWebhook(context.Background(), id)
	if errors.Is(err, store.ErrNotFound) {
		delete(r.hooks, id)
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store %s: deleting webhook %s: %w", r.s.Location(), id, err)
	}
	delete(r.hooks, id)
	return true, nil
}

// outcome records one attempt's result against the webhook's failure
// count, in one store transaction; it returns the webhook's state
// afterwards and whether it exists.
func (r *Registry) outcome(id string, success bool, now time.Time, threshold int) (state string, ok bool) {
	var retryType string
	r.mu.Lock()
	if w, ok := r.hooks[id]; ok {
		retryType = w.RetryType
	}
	r.mu.Unlock()
	rec, err := r.s.UpdateWebhook(context.Background(), id, func(w *store.Webhook) error {
		if success {
			w.FailedCount, w.LastPushed = 0, now
			return nil
		}
		w.FailedCount++
		if retryType == RetryCircuitBreaker && w.FailedCount >= threshold {
			w.State = StateFailed
		}
		return nil
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	if errors.Is(err, store.ErrNotFound) {
		delete(r.hooks, id)
		return "", false
	}
	if err != nil {
		r.log.Error("recording an attempt against the breaker", "webhook", id, "err", err)
		if w, ok := r.hooks[id]; ok {
			return w.State, true
		}
		return "", false
	}
	if w, ok := r.hooks[id]; ok {
		w.State, w.FailedCount = rec.State, rec.FailedCount
		if !rec.LastPushed.IsZero() {
			t := rec.LastPushed.UTC()
			w.LastMomentPushed = &t
		}
	}
	return rec.State, true
}
