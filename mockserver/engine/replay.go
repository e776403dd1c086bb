package engine

import (
	"context"

	"github.com/hookmock/hookmock/mockserver/wire"
)

// Replay records one delivery of body to hook and queues it.
func (e *Engine) Replay(ctx context.Context, h Webhook, orig *wire.Delivery, body []byte) (wire.Delivery, error) {
	e.enqueuing.RLock()
	defer e.enqueuing.RUnlock()
	if e.closing.Load() {
		return wire.Delivery{}, ErrClosed
	}
	if err := e.live.reserve(1, e.cfg.MaxLive); err != nil {
		return wire.Delivery{}, err
	}
	seq, err := e.ids.take(e.store.s)
	if err != nil {
		e.live.release(1)
		return wire.Delivery{}, err
	}
	now := e.cfg.Clock.Now().UTC()
	d := &wire.Delivery{ID: deliveryID(seq), WebhookUUID: h.UUID, URL: h.URL, EventType: orig.EventType, EventID: orig.EventID,
		RetryType: h.RetryType, Status: wire.StatusPending, CreatedAt: now, UpdatedAt: now, ReplayOf: orig.ID, Attempts: []wire.Attempt{}}
	out := d.Clone()
	j := &job{id: d.ID, hook: h.UUID, eventType: orig.EventType, eventID: orig.EventID, body: body, seq: seq, due: now}
	if err := e.store.add(ctx, []*wire.Delivery{d}, []*job{j}); err != nil {
		e.live.release(1)
		return wire.Delivery{}, err
	}
	e.start(ctx, j, 0)
	return out, nil
}
