package mockserver

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/hookmock/hookmock/generator/seeds"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

// A delivery carries every header parameter its webhook operation
// declares, generated from the header's schema (its documented example
// first) and consistent with the event:
//
//   - an event-name header (X-GitHub-Event, X-Event-Type, X-Shopify-Topic:
//     a name ending in -event, -event-type, -event-name, -event-key or
//     -topic) carries the event's name: its `type` value, else its
//     operationId's first segment in snake_case (GitHub's pull-request/opened
//     is the pull_request event), else the webhook's name;
//   - a delivery-id header (a name with "delivery", or ending in
//     webhook-id, message-id or request-id) carries an id derived from the
//     delivery, unique per delivery and the same on every retry, in UUID
//     form;
//   - a header the signing scheme writes is the scheme's (its declared
//     schema is not consulted: the signature must verify); another
//     built-in scheme's header is not sent at all;
//   - User-Agent is the setting (delivery.userAgent), else the declared
//     header's example, else the scheme's provider's, else hookmock's.
//
// Other declared headers are generated once per delivery from a seed
// derived from its id, so retries send the same values.

// declaredHeaders are the headers of one delivery of e to a webhook
// signed with scheme; nil when there are none, which is the common case
// (a Daily delivery declares only the signature headers, which are the
// scheme's), so that an attempt makes no map for nothing.
func (p *Provider) declaredHeaders(e *spec.Event, deliveryID string, scheme signing.Scheme) (http.Header, error) {
	var h http.Header
	set := func(k, v string) {
		if h == nil {
			h = make(http.Header, len(e.Headers)+1)
		}
		h[k] = []string{v}
	}
	if p.opts.UserAgent != "" {
		set("User-Agent", p.opts.UserAgent)
	}
	for _, d := range e.Headers {
		name := http.CanonicalHeaderKey(d.Name)
		switch {
		case name == "" || schemeHeaders[name] || h.Get(name) != "" || signing.Writes(scheme, p.opts.SigningParams, name):
			// Another scheme's signature would be a lie: it is not sent.
			continue
		case isEventNameHeader(name):
			set(name, eventName(e))
		case isDeliveryIDHeader(name):
			set(name, deliveryUUID(p.seed, deliveryID))
		default:
			v, err := p.events.gen.HeaderValue(d, seeds.Derive(p.seed, seeds.String(deliveryID), seeds.String(name)))
			if err != nil {
				return nil, err
			}
			set(name, v)
		}
	}
	return h, nil
}

// schemeHeaders are the headers of every built-in scheme.
var schemeHeaders = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range []string{signing.DailySignatureHeader, signing.DailyTimestampHeader, signing.StandardIDHeader,
		signing.StandardTimestampHeader, signing.StandardSignatureHeader, signing.GitHubSignatureHeader,
		signing.GitHubLegacySignatureHeader, signing.StripeSignatureHeader, signing.ShopifySignatureHeader} {
		m[http.CanonicalHeaderKey(k)] = true
	}
	return m
}()

func isEventNameHeader(name string) bool {
	n := strings.ToLower(name)
	for _, suffix := range []string{"-event", "-event-type", "-event-name", "-event-key", "-topic"} {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	return n == "event" || n == "event-type"
}

func isDeliveryIDHeader(name string) bool {
	n := strings.ToLower(name)
	if strings.Contains(n, "delivery") {
		return true
	}
	for _, suffix := range []string{"webhook-id", "message-id", "request-id"} {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	return false
}

// eventName is the name a provider gives the event in its headers.
func eventName(e *spec.Event) string {
	if e.Type != "" {
		return e.Type
	}
	if e.OperationID != "" {
		first, _, _ := strings.Cut(e.OperationID, "/")
		return strings.ReplaceAll(first, "-", "_")
	}
	return e.Name
}

// deliveryUUID is a version-4-shaped UUID naming one delivery of this
// server (its seed) for good.
func deliveryUUID(seed uint64, deliveryID string) string {
	in := strconv.AppendUint(append(make([]byte, 0, 64), "hookmock delivery "...), seed, 10)
	b := sha256.Sum256(append(append(in, ' '), deliveryID...))
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	at := 0
	for i, part := range [][]byte{b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]} {
		if i > 0 {
			out[at] = '-'
			at++
		}
		at += hex.Encode(out[at:], part)
	}
	return string(out[:])
}

// specScheme is the signing scheme a document implies by the signature
// header its webhooks declare, or "" when they declare none hookmock
// knows: serving GitHub's document signs as GitHub does unless told
// otherwise.
func specScheme(s *spec.Spec) signing.Scheme {
	byHeader := map[string]signing.Scheme{
		http.CanonicalHeaderKey(signing.GitHubSignatureHeader):   signing.GitHub,
		http.CanonicalHeaderKey(signing.StripeSignatureHeader):   signing.Stripe,
		http.CanonicalHeaderKey(signing.ShopifySignatureHeader):  signing.Shopify,
		http.CanonicalHeaderKey(signing.StandardSignatureHeader): signing.Standard,
		http.CanonicalHeaderKey(signing.DailySignatureHeader):    signing.Daily,
	}
	for _, e := range s.Events {
		for _, h := range e.Headers {
			if sc, ok := byHeader[http.CanonicalHeaderKey(h.Name)]; ok {
				return sc
			}
		}
	}
	return ""
}

// headersFor is declaredHeaders for a queued delivery. A header that
// cannot be generated is logged and left out rather than failing the
// delivery: the consumer's answer to its absence is worth seeing.
func (p *Provider) headersFor(eventType, deliveryID string, scheme signing.Scheme) http.Header {
	e, ok := p.spec.Lookup(eventType)
	if !ok {
		if p.opts.UserAgent != "" {
			return http.Header{"User-Agent": {p.opts.UserAgent}}
		}
		return nil
	}
	h, err := p.declaredHeaders(e, deliveryID, scheme)
	if err != nil {
		p.log.Warn("declared header not sent", "delivery", deliveryID, "error", err)
		h = nil
	}
	return h
}
