package signing

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // GitHub's legacy X-Hub-Signature is SHA-1 by definition
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Provider schemes besides Daily's and Standard Webhooks'. Their keys are
// the secret's bytes, as the providers' own libraries use them.
const (
	// GitHub: X-Hub-Signature-256 is "sha256=" + hex(HMAC-SHA256(secret,
	// body)); with Params.LegacySHA1 also X-Hub-Signature, "sha1=" +
	// hex(HMAC-SHA1(secret, body)). No timestamp.
	GitHub Scheme = "github"
	// Stripe: Stripe-Signature is "t=<unix>,v1=<hex(HMAC-SHA256(secret,
	// t + "." + body))>".
	Stripe Scheme = "stripe"
	// Shopify: X-Shopify-Hmac-Sha256 is base64(HMAC-SHA256(secret, body)).
	Shopify Scheme = "shopify"
	// HMAC is the generic scheme for the rest: a header, an algorithm, an
	// encoding, an optional prefix, and the body or timestamp+separator+
	// body signed; see Params.
	HMAC Scheme = "hmac"
)

// Header names of the provider schemes.
const (
	GitHubSignatureHeader       = "X-Hub-Signature-256"
	GitHubLegacySignatureHeader = "X-Hub-Signature"
	StripeSignatureHeader       = "Stripe-Signature"
	ShopifySignatureHeader      = "X-Shopify-Hmac-Sha256"
)

// Algorithm is the generic scheme's HMAC hash.
type Algorithm string

// Algorithms.
const (
	SHA1   Algorithm = "sha1"
	SHA256 Algorithm = "sha256"
	SHA512 Algorithm = "sha512"
)

func (a Algorithm) hash() (func() hash.Hash, bool) {
	switch a {
	case SHA1:
		return sha1.New, true
	case SHA256:
		return sha256.New, true
	case SHA512:
		return sha512.New, true
	}
	return nil, false
}

// Encoding is how the generic scheme writes the digest.
type Encoding string

// Encodings.
const (
	Hex    Encoding = "hex"
	Base64 Encoding = "base64"
)

// Signed says which parts of a delivery the generic scheme signs.
type Signed string

// Signed parts.
const (
	SignBody          Signed = "body"
	SignTimestampBody Signed = "timestamp+body" // timestamp, separator, body
)

// Params are a scheme's settings (hookmock.yaml webhooks.signingParams).
// Only the generic HMAC scheme needs them; GitHub reads LegacySHA1.
type Params struct {
	// LegacySHA1 adds GitHub's X-Hub-Signature (sha1) beside
	// X-Hub-Signature-256.
	LegacySHA1 bool `yaml:"legacySHA1" json:"legacySHA1,omitempty"`
	// Header carries the signature (generic scheme; required).
	Header string `yaml:"header" json:"header,omitempty"`
	// Algorithm is sha1, sha256 (default) or sha512.
	Algorithm Algorithm `yaml:"algorithm" json:"algorithm,omitempty"`
	// Encoding is hex (default) or base64.
	Encoding Encoding `yaml:"encoding" json:"encoding,omitempty"`
	// Prefix is written before the digest ("sha256=").
	Prefix string `yaml:"prefix" json:"prefix,omitempty"`
	// Signed is body (default) or timestamp+body.
	Signed Signed `yaml:"signed" json:"signed,omitempty"`
	// TimestampHeader carries the Unix-seconds timestamp when it is signed
	// (required then).
	TimestampHeader string `yaml:"timestampHeader" json:"timestampHeader,omitempty"`
	// Separator goes between timestamp and body; default ".".
	Separator *string `yaml:"separator" json:"separator,omitempty"`
}

// Check reports what is wrong with the parameters for scheme, naming the
// field.
func (p *Params) Check(scheme Scheme) error {
	_, err := p.resolve(scheme)
	return err
}

// resolve fills in defaults; for GitHub and Shopify it returns the
// parameters that describe them as a generic HMAC.
func (p *Params) resolve(scheme Scheme) (Params, error) {
	var r Params
	if p != nil {
		r = *p
	}
	switch scheme {
	case GitHub:
		return Params{LegacySHA1: r.LegacySHA1, Header: GitHubSignatureHeader, Algorithm: SHA256, Encoding: Hex, Prefix: "sha256=", Signed: SignBody}, nil
	case Shopify:
		return Params{Header: ShopifySignatureHeader, Algorithm: SHA256, Encoding: Base64, Signed: SignBody}, nil
	case HMAC:
	default:
		return Params{}, nil
	}
	if r.Header == "" {
		return r, errors.New("signing hmac: header is required")
	}
	if r.Algorithm == "" {
		r.Algorithm = SHA256
	}
	if _, ok := r.Algorithm.hash(); !ok {
		return r, fmt.Errorf("signing hmac: algorithm %q is not sha1, sha256 or sha512", r.Algorithm)
	}
	switch r.Encoding {
	case "":
		r.Encoding = Hex
	case Hex, Base64:
	default:
		return r, fmt.Errorf("signing hmac: encoding %q is not hex or base64", r.Encoding)
	}
	switch r.Signed {
	case "":
		r.Signed = SignBody
	case SignBody:
	case SignTimestampBody:
		if r.TimestampHeader == "" {
			return r, errors.New("signing hmac: signed timestamp+body needs timestampHeader")
		}
	default:
		return r, fmt.Errorf("signing hmac: signed %q is not body or timestamp+body", r.Signed)
	}
	if r.Separator == nil {
		dot := "."
		r.Separator = &dot
	}
	return r, nil
}

// Headers are the header names the signer writes: a delivery's declared
// headers of these names are the signer's, and the missing-signature fault
// removes them.
func (s *Signer) Headers() []string {
	switch s.scheme {
	case Daily:
		return []string{DailySignatureHeader, DailyTimestampHeader}
	case Standard:
		return []string{StandardSignatureHeader, StandardTimestampHeader, StandardIDHeader}
	case Stripe:
		return []string{StripeSignatureHeader}
	}
	hs := []string{s.params.Header}
	if s.params.LegacySHA1 {
		hs = append(hs, GitHubLegacySignatureHeader)
	}
	if s.params.Signed == SignTimestampBody {
		hs = append(hs, s.params.TimestampHeader)
	}
	return hs
}

// Writes reports whether a signer of scheme under p writes the header
// name (in any case): Headers without a secret, and without allocating,
// for a provider deciding per attempt which declared headers are the
// scheme's. Parameters that do not resolve write nothing.
func Writes(scheme Scheme, p *Params, name string) bool {
	r, err := p.resolve(scheme)
	if err != nil {
		return false
	}
	var names [3]string
	switch scheme {
	case Daily:
		names = [3]string{DailySignatureHeader, DailyTimestampHeader}
	case Standard:
		names = [3]string{StandardSignatureHeader, StandardTimestampHeader, StandardIDHeader}
	case Stripe:
		names = [3]string{StripeSignatureHeader}
	default:
		names[0] = r.Header
		if r.LegacySHA1 {
			names[1] = GitHubLegacySignatureHeader
		}
		if r.Signed == SignTimestampBody {
			names[2] = r.TimestampHeader
		}
	}
	for _, n := range names {
		if n != "" && strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// UserAgent is the User-Agent the scheme's provider sends, or "" where
// the scheme says nothing of it.
func UserAgent(scheme Scheme) string {
	switch scheme {
	case GitHub:
		return "GitHub-Hookshot/hookmock"
	case Stripe:
		return "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
	case Shopify:
		return "Shopify-Captain-Hook"
	}
	return ""
}

// ForeignSecret is a well-formed secret for scheme that is not secret:
// what the bad-signature fault signs with.
func ForeignSecret(scheme Scheme, secret string) string {
	sum := sha256.Sum256([]byte("hookmock bad-signature:" + secret))
	s := base64.StdEncoding.EncodeToString(sum[:])
	if scheme == Standard {
		return "whsec_" + s
	}
	return s
}

func mac(h func() hash.Hash, key []byte, parts ...[]byte) []byte {
	m := hmac.New(h, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// StripeSignature is hex(HMAC-SHA256(secret, timestamp + "." + body)).
func StripeSignature(key []byte, timestamp string, body []byte) string {
	return hex.EncodeToString(mac(sha256.New, key, []byte(timestamp), []byte{'.'}, body))
}

// digest is the generic scheme's signature value, prefix included.
func (p *Params) digest(key []byte, timestamp string, body []byte) string {
	h, _ := p.Algorithm.hash()
	var sum []byte
	if p.Signed == SignTimestampBody {
		sum = mac(h, key, []byte(timestamp), []byte(*p.Separator), body)
	} else {
		sum = mac(h, key, body)
	}
	if p.Encoding == Base64 {
		return p.Prefix + base64.StdEncoding.EncodeToString(sum)
	}
	return p.Prefix + hex.EncodeToString(sum)
}

func (s *Signer) verifyHMAC(h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	p := s.params
	sig := h.Get(p.Header)
	ts := ""
	if p.Signed == SignTimestampBody {
		ts = h.Get(p.TimestampHeader)
		if ts == "" || sig == "" {
			return fmt.Errorf("%w: need %s and %s", ErrMissingHeader, p.TimestampHeader, p.Header)
		}
		if err := checkWindow(ts, now, tolerance); err != nil {
			return err
		}
	}
	if sig == "" {
		return fmt.Errorf("%w: need %s", ErrMissingHeader, p.Header)
	}
	if !hmac.Equal([]byte(sig), []byte(p.digest(s.key, ts, body))) {
		return ErrBadSignature
	}
	return nil
}

// verifyStripe reads "t=…,v1=…[,v1=…][,v0=…]": any v1 may match (Stripe
// lists several while a secret is being rolled); other schemes are
// ignored, as Stripe's libraries do.
func verifyStripe(key []byte, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	v := h.Get(StripeSignatureHeader)
	if v == "" {
		return fmt.Errorf("%w: need %s", ErrMissingHeader, StripeSignatureHeader)
	}
	var ts string
	var sigs []string
	for _, item := range strings.Split(v, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(item), "=")
		switch k {
		case "t":
			ts = val
		case "v1":
			sigs = append(sigs, val)
		}
	}
	if ts == "" || len(sigs) == 0 {
		return fmt.Errorf("%w: %s has no t= or no v1=", ErrBadSignature, StripeSignatureHeader)
	}
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
		return fmt.Errorf("%w: t=%q is not Unix seconds", ErrBadSignature, ts)
	}
	if err := checkWindow(ts, now, tolerance); err != nil {
		return err
	}
	want := []byte(StripeSignature(key, ts, body))
	for _, s := range sigs {
		if hmac.Equal([]byte(s), want) {
			return nil
		}
	}
	return ErrBadSignature
}
