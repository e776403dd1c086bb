package mockserver

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

// WebhookInput is what a Go test suite registers, the fields of Daily's
// POST /v1/webhooks. Empty fields are left out, as an absent JSON key.
type WebhookInput struct {
	URL string `json:"url"`
	// HMAC is the base64 signing secret; empty lets the mock provision one.
	HMAC      string `json:"hmac,omitempty"`
	BasicAuth string `json:"basicAuth,omitempty"`
	// RetryType is RetryCircuitBreaker (the default) or RetryExponential.
	RetryType string `json:"retryType,omitempty"`
	// EventTypes subscribes to these events; empty means every event.
	EventTypes []string `json:"eventTypes,omitempty"`
	// Signing is the scheme (default: the server's).
	Signing signing.Scheme `json:"signing,omitempty"`
}

// CreateWebhook registers a webhook as POST /v1/webhooks does, through the
// same checks and the same verification probe of in.URL, and returns it
// with its secret (HMAC) for the test to verify signatures with.
func (p *Provider) CreateWebhook(ctx context.Context, in WebhookInput) (Webhook, error) {
	raw, err := json.Marshal(in)
	if err != nil {
		return Webhook{}, err
	}
	v, err := spec.DecodeJSON(raw)
	if err != nil {
		return Webhook{}, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return Webhook{}, fmt.Errorf("webhook input %s is not an object", raw)
	}
	checked, err := p.webhookInput(obj, p.mgmt.create)
	if err != nil {
		return Webhook{}, err
	}
	return p.createHook(ctx, checked)
}
