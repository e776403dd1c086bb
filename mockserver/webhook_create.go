package mockserver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

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

// createHook registers a checked webhook once its url answers the probe.
func (p *Provider) createHook(ctx context.Context, in *webhookInput) (Webhook, error) {
	now := p.clock.Now().UTC()
	hook := &Webhook{URL: *in.URL, RetryType: RetryCircuitBreaker, EventTypes: []string{}, State: StateActive,
		CreatedAt: now, UpdatedAt: now, Signing: p.opts.Signing}
	if in.Signing != nil {
		hook.Signing = *in.Signing
	}
	if in.RetryType != nil {
		hook.RetryType = *in.RetryType
	}
	if in.BasicAuth != nil {
		hook.BasicAuth = *in.BasicAuth
	}
	if in.hasEventTypes {
		hook.EventTypes = in.EventTypes
	}
	if in.HMAC != nil {
		if err := checkSecret(hook.Signing, *in.HMAC); err != nil {
			return Webhook{}, err
		}
		hook.HMAC = *in.HMAC
	}
	err := p.hooks.Provision(hook, func(n int) error {
		if !p.opts.AllowMultipleWebhooks && n > 0 {
			return badRequest("url", "this domain already has a webhook; a domain may only have one (update or delete it, or start hookmock with webhooks.allowMultiple)")
		}
		return p.opts.Limits.checkItems("webhooks", n)
	})
	if err != nil {
		return Webhook{}, err
	}
	if err := p.probe(ctx, hook); err != nil {
		return Webhook{}, err
	}
	var refused error
	out, err := p.hooks.Add(hook, func(n int) error {
		if !p.opts.AllowMultipleWebhooks && n > 0 {
			refused = badRequest("url", "this domain already has a webhook; a domain may only have one")
		}
		return refused
	})
	switch {
	case refused != nil:
		return Webhook{}, refused
	case err != nil:
		return Webhook{}, &apiError{Status: http.StatusInternalServerError, Kind: errServer, Info: err.Error()}
	}
	p.log.Info("webhook created", "uuid", hook.UUID, "url", hook.URL, "retryType", hook.RetryType, "eventTypes", hook.EventTypes)
	return out, nil
}

// reactivateHook stores an update that passed the probe: the webhook is
// ACTIVE again, its failures forgotten.
func (p *Provider) reactivateHook(next Webhook) (out Webhook, found, reactivated bool, err error) {
	return p.hooks.Reactivate(next, p.clock.Now().UTC())
}

// deleteHook deletes a webhook; false if there was none.
func (p *Provider) deleteHook(id string) (bool, error) { return p.hooks.Remove(id) }

// domainID is the domain the provider's webhooks belong to.
func (p *Provider) domainID() string { return p.hooks.DomainID() }
