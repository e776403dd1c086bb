package mockserver

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

// managementSchemas validate the management API's request bodies. They come
// from the embedded Daily contract whatever spec the events come from: the
// mock always speaks Daily's management API.
type managementSchemas struct {
	create, update *spec.Validator
}

func loadManagementSchemas() (*managementSchemas, error) {
	daily, err := spec.Default()
	if err != nil {
		return nil, err
	}
	create, err := daily.SchemaValidator("/components/schemas/WebhookCreateRequest")
	if err != nil {
		return nil, err
	}
	update, err := daily.SchemaValidator("/components/schemas/WebhookUpdateRequest")
	if err != nil {
		return nil, err
	}
	return &managementSchemas{create: create, update: update}, nil
}

func (p *Provider) routeAPI(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/webhooks", p.auth(p.createWebhook))
	mux.HandleFunc("GET /v1/webhooks", p.auth(p.listWebhooks))
	mux.HandleFunc("GET /v1/webhooks/{uuid}", p.auth(p.getWebhook))
	mux.HandleFunc("POST /v1/webhooks/{uuid}", p.auth(p.updateWebhook))
	mux.HandleFunc("DELETE /v1/webhooks/{uuid}", p.auth(p.deleteWebhook))
}

// webhookInput is a validated create or update body; nil fields were absent.
type webhookInput struct {
	URL, HMAC, BasicAuth, RetryType *string
	EventTypes                      []string
	hasEventTypes                   bool
	Signing                         *signing.Scheme
}

func (p *Provider) parseWebhookInput(w http.ResponseWriter, r *http.Request, schema *spec.Validator) (*webhookInput, error) {
	obj, err := readJSONObject(w, r, p.opts.MaxBodyBytes, "the webhook's fields")
	if err != nil {
		return nil, err
	}
	return p.webhookInput(obj, schema)
}

// webhookInput checks a create or update body against Daily's schema and
// the mock's own rules.
func (p *Provider) webhookInput(obj map[string]any, schema *spec.Validator) (*webhookInput, error) {
	if vs := schema.Validate(dailyShape(obj)); len(vs) > 0 {
		return nil, violationError(vs)
	}
	in := &webhookInput{}
	str := func(k string) *string {
		if s, ok := obj[k].(string); ok {
			return &s
		}
		return nil
	}
	in.URL, in.HMAC, in.BasicAuth, in.RetryType = str("url"), str("hmac"), str("basicAuth"), str("retryType")
	if in.URL != nil {
		if err := checkURL(*in.URL); err != nil {
			return nil, err
		}
	}
	if s := str("signing"); s != nil {
		scheme, err := signing.ParseScheme(*s)
		if err != nil {
			return nil, badRequest("signing", "%v", err)
		}
		in.Signing = &scheme
	}
	if ets, ok := obj["eventTypes"].([]any); ok {
		in.hasEventTypes = true
		in.EventTypes = []string{}
		for i, et := range ets {
			t, _ := et.(string)
			ev, known := p.spec.Lookup(t)
			if !known {
				return nil, badRequest(fmt.Sprintf("eventTypes[%d]", i), "unknown event type %q; this mock serves %s", t, strings.Join(p.eventTypes(), ", "))
			}
			// Subscriptions match the type value events are sent under.
			if ev.Type != "" {
				t = ev.Type
			}
			if !slices.Contains(in.EventTypes, t) {
				in.EventTypes = append(in.EventTypes, t)
			}
		}
	}
	return in, nil
}

// dailyShape is the body as Daily's schema sees it: a Standard Webhooks
// secret carries a "whsec_" prefix that Daily's base64 pattern would refuse.
func dailyShape(obj map[string]any) map[string]any {
	h, ok := obj["hmac"].(string)
	if !ok || obj["signing"] != string(signing.Standard) || !strings.HasPrefix(h, "whsec_") {
		return obj
	}
	c := maps.Clone(obj)
	c["hmac"] = strings.TrimPrefix(h, "whsec_")
	return c
}

// checkURL wants an absolute http(s) URL: `format: uri` admits mailto: too.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return badRequest("url", "%q is not an absolute http(s) URL", raw)
	}
	return nil
}

// checkSecret makes sure a caller-supplied secret can key the scheme.
func checkSecret(scheme signing.Scheme, secret string) error {
	var err error
	if scheme == signing.Standard {
		_, err = signing.DecodeStandardSecret(secret)
	} else {
		_, err = base64.StdEncoding.DecodeString(secret)
	}
	if err != nil {
		return badRequest("hmac", "must be BASE-64 encoded (%v)", err)
	}
	return nil
}

func (p *Provider) createWebhook(w http.ResponseWriter, r *http.Request) {
	in, err := p.parseWebhookInput(w, r, p.mgmt.create)
	if err != nil {
		writeError(w, err)
		return
	}
	out, err := p.createHook(r.Context(), in)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (p *Provider) listWebhooks(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, p.Webhooks())
}

func (p *Provider) getWebhook(w http.ResponseWriter, r *http.Request) {
	hook, ok := p.Webhook(r.PathValue("uuid"))
	if !ok {
		writeError(w, notFound(r.PathValue("uuid")))
		return
	}
	writeJSON(w, http.StatusOK, hook)
}

func notFound(id string) *apiError {
	return &apiError{Status: http.StatusNotFound, Kind: errNotFound, Info: fmt.Sprintf("uuid: no webhook %q", id)}
}

// updateWebhook changes a webhook and, like Daily, re-verifies the url; a
// successful probe also re-activates a FAILED webhook.
func (p *Provider) updateWebhook(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("uuid")
	cur, ok := p.Webhook(id)
	if !ok {
		writeError(w, notFound(id))
		return
	}
	in, err := p.parseWebhookInput(w, r, p.mgmt.update)
	if err != nil {
		writeError(w, err)
		return
	}
	next := cur
	if in.URL != nil {
		next.URL = *in.URL
	}
	if in.Signing != nil {
		next.Signing = *in.Signing
	}
	if in.HMAC != nil {
		if err := checkSecret(next.Signing, *in.HMAC); err != nil {
			writeError(w, err)
			return
		}
		next.HMAC = *in.HMAC
	}
	if in.BasicAuth != nil {
		next.BasicAuth = *in.BasicAuth
	}
	if in.RetryType != nil {
		next.RetryType = *in.RetryType
	}
	if in.hasEventTypes {
		next.EventTypes = in.EventTypes
	}
	if err := p.probe(r.Context(), &next); err != nil {
		writeError(w, err)
		return
	}
	out, found, reactivated, err := p.reactivateHook(next)
	switch {
	case !found:
		writeError(w, notFound(id))
		return
	case err != nil:
		writeError(w, &apiError{Status: http.StatusInternalServerError, Kind: errServer, Info: err.Error()})
		return
	}
	p.log.Info("webhook updated", "uuid", id, "url", next.URL, "reactivated", reactivated)
	writeJSON(w, http.StatusOK, out)
}

func (p *Provider) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("uuid")
	ok, err := p.deleteHook(id)
	if err != nil {
		writeError(w, &apiError{Status: http.StatusInternalServerError, Kind: errServer, Info: err.Error()})
		return
	}
	if !ok {
		writeError(w, notFound(id))
		return
	}
	p.log.Info("webhook deleted", "uuid", id)
	// Daily answers 200 with an empty body.
	w.WriteHeader(http.StatusOK)
}

// probe sends Daily's verification request and wants a 200 within the probe
// deadline. Whether Daily signs the probe is undocumented; hookmock sends it
// unsigned unless probe.signed is set, since a consumer cannot yet know a
// secret that Daily provisions at creation.
func (p *Provider) probe(ctx context.Context, hook *Webhook) error {
	ctx, cancel := context.WithTimeout(ctx, p.opts.ProbeTimeout)
	defer cancel()
	if err := p.checkOutbound(ctx, hook.URL); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(wire.ProbeBody))
	if err != nil {
		return badRequest("url", "%v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", wire.UserAgent)
	if hook.BasicAuth != "" {
		req.Header.Set("Authorization", "Basic "+hook.BasicAuth)
	}
	if p.opts.SignProbe {
		if s, err := signing.New(hook.Signing, hook.HMAC); err == nil {
			s.Sign(req.Header, "probe", p.clock.Now(), wire.ProbeBody)
		}
	}
	start := time.Now()
	resp, err := p.client.Do(req)
	if err != nil {
		// The caller hears what failed in hookmock's words; the details
		// (which port refused, and how) are for the operator's log.
		p.log.Info("probe failed", "url", hook.URL, "error", err)
		return badRequest("url", "the verification request to %s failed: %s", hook.URL, wire.Describe(err, p.opts.ProbeTimeout))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return badRequest("url", "the verification request to %s got %d, want 200", hook.URL, resp.StatusCode)
	}
	p.log.Debug("probe ok", "url", hook.URL, "latency", time.Since(start))
	return nil
}
