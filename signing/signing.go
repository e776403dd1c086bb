// Package signing signs webhook deliveries the way providers do, and
// verifies them the way a careful consumer would. The schemes (profiles):
// Daily's (X-Webhook-Signature over "timestamp.body", the default),
// Standard Webhooks' (webhook-signature: v1,… over "id.timestamp.body"),
// GitHub's, Stripe's, Shopify's and a generic HMAC one (see profiles.go).
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
	"sync"
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

// Signer adds a scheme's signature headers to a delivery. It is safe for
// concurrent use.
type Signer struct {
	scheme Scheme
	params Params
	key    []byte
	// keys are the canonical names of what Sign writes, in the order of
	// its values (see Sign).
	keys []string
	sep  []byte // the generic scheme's separator
	// macs pools keyed HMAC states: keying one costs three allocations and
	// two hash blocks, which a delivery attempt need not pay.
	macs sync.Pool
}

// macState is one pooled signing state: the scheme's keyed HMAC, GitHub's
// legacy SHA-1 one when asked for, and scratch space for the signed
// values and the digests.
type macState struct {
	main, sha1 hash.Hash
	buf, id    []byte
	sum        [2 * sha512.Size]byte
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
	s := &Signer{scheme: scheme, params: params, key: key, keys: signedKeys(scheme, params)}
	if params.Separator != nil {
		s.sep = []byte(*params.Separator)
	}
	h, ok := params.Algorithm.hash()
	if !ok {
		h = sha256.New
	}
	s.macs.New = func() any {
		m := &macState{main: hmac.New(h, key), buf: make([]byte, 0, 256)}
		if params.LegacySHA1 {
			m.sha1 = hmac.New(sha1.New, key)
		}
		return m
	}
	return s, nil
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
//
// The values are cut from one string and their header slices from one
// array, so that an attempt's signature costs two allocations whatever the
// scheme; each slice is capped at its length, so that appending to one
// never writes into the next.
func (s *Signer) Sign(h http.Header, id string, ts time.Time, body []byte) {
	s.SignAppend(h, make([]string, 0, len(s.keys)), id, ts, body)
}

// SignAppend is Sign with the header values' array given: they are
// appended to vals, whose room past its length a caller sizes for them
// (NumHeaders) to spare an allocation, and the grown slice is returned.
// The slices already in h from vals stay as they are.
func (s *Signer) SignAppend(h http.Header, vals []string, id string, ts time.Time, body []byte) []string {
	m := s.macs.Get().(*macState)
	defer s.macs.Put(m)
	// b holds the values one after another, in the order of s.keys; cuts
	// ends each.
	b := m.buf[:0]
	var cuts [3]int
	n := 0
	cut := func() { cuts[n], n = len(b), n+1 }
	p := &s.params
	timestamped := s.scheme == Daily || s.scheme == Standard || p.Signed == SignTimestampBody
	if timestamped {
		b = strconv.AppendInt(b, ts.Unix(), 10)
		cut()
	}
	unix := b[:cuts[0]]
	switch s.scheme {
	case Daily:
		b = base64.StdEncoding.AppendEncode(b, m.mac(m.main, nil, unix, dot, body))
		cut()
	case Standard:
		m.id = append(append(m.id[:0], id...), '.')
		b = append(b, "v1,"...)
		b = base64.StdEncoding.AppendEncode(b, m.mac(m.main, m.id, unix, dot, body))
		cut()
	case Stripe:
		b = append(b, "t="...)
		b = strconv.AppendInt(b, ts.Unix(), 10)
		t := b[2:]
		b = append(b, ",v1="...)
		b = hex.AppendEncode(b, m.mac(m.main, nil, t, dot, body))
		cut()
	default:
		b = append(b, p.Prefix...)
		var sum []byte
		if p.Signed == SignTimestampBody {
			sum = m.mac(m.main, nil, unix, s.sep, body)
		} else {
			sum = m.mac(m.main, nil, nil, nil, body)
		}
		if p.Encoding == Base64 {
			b = base64.StdEncoding.AppendEncode(b, sum)
		} else {
			b = hex.AppendEncode(b, sum)
		}
		cut()
		if p.LegacySHA1 {
			b = append(b, "sha1="...)
			b = hex.AppendEncode(b, m.mac(m.sha1, nil, nil, nil, body))
			cut()
		}
	}
	m.buf = b
	all := string(b)
	start := 0
	for i, k := range s.keys {
		at := len(vals)
		if i < n {
			vals, start = append(vals, all[start:cuts[i]]), cuts[i]
		} else {
			vals = append(vals, id) // Standard Webhooks' webhook-id
		}
		h[k] = vals[at : at+1 : at+1]
	}
	return vals
}

// NumHeaders is how many headers Sign sets.
func (s *Signer) NumHeaders() int { return len(s.keys) }

// signedKeys are the names Sign writes, canonical, in the order it
// writes their values.
func signedKeys(scheme Scheme, p Params) []string {
	var ks []string
	switch scheme {
	case Daily:
		ks = []string{DailyTimestampHeader, DailySignatureHeader}
	case Standard:
		ks = []string{StandardTimestampHeader, StandardSignatureHeader, StandardIDHeader}
	case Stripe:
		ks = []string{StripeSignatureHeader}
	default:
		if p.Signed == SignTimestampBody {
			ks = append(ks, p.TimestampHeader)
		}
		ks = append(ks, p.Header)
		if p.LegacySHA1 {
			ks = append(ks, GitHubLegacySignatureHeader)
		}
	}
	for i, k := range ks {
		ks[i] = http.CanonicalHeaderKey(k)
	}
	return ks
}

var dot = []byte{'.'}

// mac is HMAC(key, a + b + c + d) in the state's scratch space.
func (m *macState) mac(h hash.Hash, a, b, c, d []byte) []byte {
	h.Reset()
	for _, p := range [][]byte{a, b, c, d} {
		if len(p) > 0 {
			h.Write(p)
		}
	}
	return h.Sum(m.sum[:0])
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
