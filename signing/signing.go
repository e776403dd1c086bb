// Package signing signs webhook deliveries the way providers do, and
// verifies them the way a careful consumer would. The schemes (profiles):
// Daily's (X-Webhook-Signature over "timestamp.body", the default),
// Standard Webhooks' (webhook-signature: v1,… over "id.timestamp.body"),
// GitHub's, Stripe's, Shopify's and a generic HMAC one (see profiles.go).
package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Scheme names a signing scheme.
type Scheme string

const (
	// Daily is Daily's scheme, the default: X-Webhook-Timestamp holds Unix
	// seconds and X-Webhook-Signature is
	// base64(HMAC-SHA256(base64-decode(hmac), timestamp + "." + body)).
	Daily Scheme = "daily"
	// Standard is Standard Webhooks v1: webhook-id, webhook-timestamp and
	// webhook-signature "v1,<base64(HMAC-SHA256(key, id.timestamp.body))>",
	// with the key given as "whsec_<base64>".
	Standard Scheme = "standard"
)

// Header names.
const (
	DailySignatureHeader    = "X-Webhook-Signature"
	DailyTimestampHeader    = "X-Webhook-Timestamp"
	StandardIDHeader        = "webhook-id"
	StandardTimestampHeader = "webhook-timestamp"
	StandardSignatureHeader = "webhook-signature"
)

// ParseScheme accepts a scheme's name; "" is Daily.
func ParseScheme(s string) (Scheme, error) {
	switch Scheme(s) {
	case Daily, Standard, GitHub, Stripe, Shopify, HMAC:
		return Scheme(s), nil
	case "":
		return Daily, nil
	}
	return "", fmt.Errorf("unknown signing scheme %q (want daily, standard, github, stripe, shopify or hmac)", s)
}

// Signer adds a scheme's signature headers to a delivery.
type Signer struct {
	scheme Scheme
	params Params
	key    []byte
}

// New makes a signer with the scheme's default parameters. For Daily the
// secret is the webhook's base64 `hmac`; for Standard Webhooks it is
// "whsec_<base64>" (the prefix may be omitted); the other schemes use
// the secret's bytes as the key, as their providers do.
func New(scheme Scheme, secret string) (*Signer, error) { return NewWith(scheme, nil, secret) }

// NewWith makes a signer with parameters (nil: the defaults); the generic
// HMAC scheme needs them.
func NewWith(scheme Scheme, p *Params, secret string) (*Signer, error) {
	params, err := p.resolve(scheme)
	if err != nil {
		return nil, err
	}
	key, err := DecodeSecret(scheme, secret)
	if err != nil {
		return nil, err
	}
	return &Signer{scheme: scheme, params: params, key: key}, nil
}

// DecodeSecret turns a webhook's secret into the scheme's key.
func DecodeSecret(scheme Scheme, secret string) ([]byte, error) {
	switch scheme {
	case Daily:
		return DecodeDailySecret(secret)
	case Standard:
		return DecodeStandardSecret(secret)
	case GitHub, Stripe, Shopify, HMAC:
		if secret == "" {
			return nil, errors.New("secret is empty")
		}
		return []byte(secret), nil
	}
	return nil, fmt.Errorf("unknown signing scheme %q", scheme)
}

// Scheme returns the signer's scheme.
func (s *Signer) Scheme() Scheme { return s.scheme }

// Sign sets the signature headers for body, sent at ts with message id id.
// The body must be the exact bytes that go on the wire.
func (s *Signer) Sign(h http.Header, id string, ts time.Time, body []byte) {
	unix := strconv.FormatInt(ts.Unix(), 10)
	switch s.scheme {
	case Daily:
		h.Set(DailyTimestampHeader, unix)
		h.Set(DailySignatureHeader, DailySignature(s.key, unix, body))
	case Standard:
		h.Set(StandardIDHeader, id)
		h.Set(StandardTimestampHeader, unix)
		h.Set(StandardSignatureHeader, "v1,"+StandardSignature(s.key, id, unix, body))
	default:
		s.signProfile(h, unix, body)
	}
}

// DecodeDailySecret decodes a Daily `hmac` (standard base64, padding optional).
func DecodeDailySecret(secret string) ([]byte, error) {
	if secret == "" {
		return nil, errors.New("hmac secret is empty")
	}
	key, err := base64.StdEncoding.DecodeString(secret)
	if err != nil {
		key, err = base64.RawStdEncoding.DecodeString(secret)
	}
	if err != nil {
		return nil, fmt.Errorf("hmac secret is not base64: %v", err)
	}
	return key, nil
}

// DecodeStandardSecret decodes a Standard Webhooks secret, with or
// without its "whsec_" prefix.
func DecodeStandardSecret(secret string) ([]byte, error) {
	raw := strings.TrimPrefix(secret, "whsec_")
	if raw == "" {
		return nil, errors.New("whsec_ secret is empty")
	}
	key, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, fmt.Errorf("whsec_ secret is not base64: %v", err)
	}
	return key, nil
}

// DailySignature is base64(HMAC-SHA256(key, timestamp + "." + body)).
func DailySignature(key []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// StandardSignature is base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)).
func StandardSignature(key []byte, id, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
