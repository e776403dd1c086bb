package mockserver

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/hookmock/hookmock/mockserver/engine"
	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

// ReplayOptions tune a replay. Without Body the event goes again exactly
// as its first attempt sent it.
type ReplayOptions struct {
	// Body replaces the event (modify-and-replay); it must keep the
	// contract unless AllowInvalid.
	Body         []byte
	AllowInvalid bool
}

// Delivery returns one delivery of the log by id.
func (p *Provider) Delivery(ctx context.Context, id string) (Delivery, error) {
	if d, ok := p.engine.Peek(id); ok {
		return d, nil
	}
	r, err := p.store.Delivery(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return Delivery{}, &apiError{Status: http.StatusNotFound, Kind: errNotFound, Info: fmt.Sprintf("delivery: %q is not in the log", id)}
		}
		return Delivery{}, err
	}
	return engine.DecodeDelivery(r)
}

// sentBody is the event as the delivery's first attempt sent it.
func sentBody(d *Delivery) ([]byte, bool) {
	for _, a := range d.Attempts {
		if a.Request.Method != "" {
			return []byte(a.Request.Body), true
		}
	}
	return nil, false
}

// Replay sends a delivery's event again to the same webhook, as a new
// delivery linked to the original (ReplayOf), signed afresh at the
// current time. Faults of the original are not applied again.
func (p *Provider) Replay(ctx context.Context, id string, o ReplayOptions) (Delivery, error) {
	orig, err := p.Delivery(ctx, id)
	if err != nil {
		return Delivery{}, err
	}
	body := o.Body
	if body == nil {
		var ok bool
		if body, ok = sentBody(&orig); !ok {
			return Delivery{}, &apiError{Status: http.StatusConflict, Kind: errInvalidRequest,
				Info: fmt.Sprintf("delivery: %s was never sent (%s), so there is no request to replay; pass a body", id, orig.Status)}
		}
	} else if !o.AllowInvalid {
		if err := p.checkEvent(orig.EventType, body); err != nil {
			return Delivery{}, err
		}
	}
	hook, ok := p.hooks.Get(orig.WebhookUUID)
	if !ok {
		return Delivery{}, &apiError{Status: http.StatusConflict, Kind: errInvalidRequest, Info: fmt.Sprintf("delivery: its webhook %s is deleted", orig.WebhookUUID)}
	}
	if hook.State == StateFailed {
		return Delivery{}, &apiError{Status: http.StatusConflict, Kind: errInvalidRequest,
			Info: fmt.Sprintf("delivery: its webhook %s is FAILED; re-activate it (POST /v1/webhooks/%s {\"state\":\"ACTIVE\"}) first", hook.UUID, hook.UUID)}
	}
	d, err := p.engine.Replay(ctx, hook, &orig, body)
	return d, engineError(err)
}

// checkEvent validates a modified body against the contract's event.
func (p *Provider) checkEvent(eventType string, body []byte) error {
	ev, ok := p.spec.Lookup(eventType)
	if !ok {
		return nil // an event the contract no longer has: nothing to check against
	}
	v, err := spec.DecodeJSON(body)
	if err != nil {
		return badRequest("body", "not JSON: %v (send it anyway with allowInvalid)", err)
	}
	if vs := ev.ValidateValue(v); len(vs) > 0 {
		e := violationError(vs)
		e.Info += " (send it anyway with allowInvalid)"
		return e
	}
	return nil
}

// Curl is a command line that sends a delivery's request again, signed
// for the current time with the webhook's secret.
type Curl struct {
	Command string `json:"command"`
	// SignedAt is the timestamp the signature covers; consumers that
	// refuse stale timestamps accept the command only for a few minutes.
	SignedAt string `json:"signedAt"`
}

// CurlCommand builds the cURL command for a delivery.
func (p *Provider) CurlCommand(ctx context.Context, id string) (Curl, error) {
	d, err := p.Delivery(ctx, id)
	if err != nil {
		return Curl{}, err
	}
	body, ok := sentBody(&d)
	if !ok {
		return Curl{}, &apiError{Status: http.StatusConflict, Kind: errInvalidRequest, Info: fmt.Sprintf("delivery: %s was never sent (%s): there is no request to reproduce", id, d.Status)}
	}
	hook, ok := p.hooks.Get(d.WebhookUUID)
	if !ok {
		return Curl{}, &apiError{Status: http.StatusConflict, Kind: errInvalidRequest, Info: fmt.Sprintf("delivery: its webhook %s is deleted, and with it the secret", d.WebhookUUID)}
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", cmp.Or(signing.UserAgent(hook.Signing), wire.UserAgent))
	if hook.BasicAuth != "" {
		h.Set("Authorization", "Basic "+hook.BasicAuth)
	}
	now := p.clock.Now().UTC()
	if hook.HMAC != "" {
		s, err := signing.New(hook.Signing, hook.HMAC)
		if err != nil {
			return Curl{}, err
		}
		msgID := d.EventID
		if msgID == "" {
			msgID = d.ID
		}
		s.Sign(h, msgID, now, body)
	}
	var b strings.Builder
	b.WriteString("curl -sS -X POST " + shellQuote(hook.URL))
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			b.WriteString(" \\\n  -H " + shellQuote(k+": "+v))
		}
	}
	b.WriteString(" \\\n  --data-binary " + shellQuote(string(body)))
	return Curl{Command: b.String(), SignedAt: now.Format("2006-01-02T15:04:05Z")}, nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func (p *Provider) postReplay(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Body         json.RawMessage `json:"body"`
		AllowInvalid bool            `json:"allowInvalid"`
	}
	if r.ContentLength != 0 {
		if err := readJSONInto(w, r, p.opts.MaxBodyBytes, &req, true, func(err error) *apiError { return badRequest("body", "%v", err) }); err != nil {
			writeError(w, err)
			return
		}
	}
	o := ReplayOptions{AllowInvalid: req.AllowInvalid}
	if len(req.Body) > 0 && string(req.Body) != "null" {
		o.Body = req.Body
	}
	d, err := p.Replay(r.Context(), r.PathValue("id"), o)
	if err != nil {
		writeAnyError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (p *Provider) getCurl(w http.ResponseWriter, r *http.Request) {
	c, err := p.CurlCommand(r.Context(), r.PathValue("id"))
	if err != nil {
		writeAnyError(w, err)
		return
	}
	if r.URL.Query().Get("format") == "json" {
		writeJSON(w, http.StatusOK, c)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte(c.Command + "\n"))
}

func (p *Provider) getDelivery(w http.ResponseWriter, r *http.Request) {
	d, err := p.Delivery(r.Context(), r.PathValue("id"))
	if err != nil {
		writeAnyError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// writeAnyError answers an apiError as it is, and anything else as the
// server's fault.
func writeAnyError(w http.ResponseWriter, err error) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		writeError(w, ae)
	case errors.Is(err, errClosed):
		writeError(w, &apiError{Status: http.StatusServiceUnavailable, Kind: "unavailable", Info: err.Error()})
	default:
		writeError(w, &apiError{Status: http.StatusInternalServerError, Kind: "server-error", Info: err.Error()})
	}
}
