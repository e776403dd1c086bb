package mockserver

import (
	"time"
)

// ChangeKind says what happened to the delivery log.
type ChangeKind string

const (
	// ChangeCreated is a new delivery (pending, or skipped at once).
	ChangeCreated ChangeKind = "delivery.created"
	// ChangeAttempt is one attempt recorded on a delivery.
	ChangeAttempt ChangeKind = "attempt"
	// ChangeUpdated is any other change of a delivery: its status, its
	// next attempt time.
	ChangeUpdated ChangeKind = "delivery.updated"
	// ChangeWebhookFailed is a webhook's circuit breaker turning FAILED.
	ChangeWebhookFailed ChangeKind = "webhook.failed"
)

// Change is one change of the delivery log, as observers see it.
type Change struct {
	Kind ChangeKind
	At   time.Time
	// Delivery is a copy of the record after the change (zero for
	// ChangeWebhookFailed).
	Delivery Delivery
	// Attempt is the attempt just recorded (ChangeAttempt).
	Attempt *Attempt
	// Webhook is the webhook that turned FAILED (ChangeWebhookFailed),
	// without its secret.
	Webhook *WebhookSummary
}

// WebhookSummary is a webhook as a log line shows it: never its secret.
type WebhookSummary struct {
	UUID        string `json:"uuid"`
	URL         string `json:"url"`
	State       string `json:"state"`
	FailedCount int    `json:"failedCount"`
}

// Observer receives every change of the delivery log, in the order the
// changes are made. It is called on the engine's goroutines as the change
// is made and must return quickly: a slow observer slows deliveries down.
type Observer func(Change)

// observe takes each change of the log as it is made, in order: d had n
// attempts before it, or is new (n < 0). The stream gets a summary; the
// observers of Options.Observers, if any, a copy of the record.
func (p *Provider) observe(d *Delivery, n int) {
	kind, at := ChangeUpdated, d.UpdatedAt
	var att *Attempt
	switch {
	case n < 0:
		kind, at = ChangeCreated, d.CreatedAt
	case len(d.Attempts) > n:
		att = &d.Attempts[len(d.Attempts)-1]
		kind, at = ChangeAttempt, att.At
	}
	p.stream.publish(kind, at, d, att, nil)
	if len(p.opts.Observers) > 0 {
		c := Change{Kind: kind, At: at, Delivery: d.Clone()}
		if att != nil {
			a := *att
			c.Attempt = &a
		}
		p.notify(c)
	}
}

// notify hands a change to the observers of Options.Observers.
func (p *Provider) notify(c Change) {
	for _, o := range p.opts.Observers {
		o(c)
	}
}

// webhookFailed reports a circuit breaker that flipped.
func (p *Provider) webhookFailed(h Webhook) {
	cur, ok := p.hooks.Get(h.UUID)
	if !ok {
		cur = h
	}
	c := Change{Kind: ChangeWebhookFailed, At: p.clock.Now().UTC(),
		Webhook: &WebhookSummary{UUID: cur.UUID, URL: cur.URL, State: StateFailed, FailedCount: cur.FailedCount}}
	p.stream.publish(c.Kind, c.At, nil, nil, c.Webhook)
	p.notify(c)
}
