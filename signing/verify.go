package signing

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultTolerance is how far a timestamp may be from now. Standard
// Webhooks' and Stripe's libraries use 5 minutes; Daily documents no
// window.
const DefaultTolerance = 5 * time.Minute

// Verification errors, for callers that map them to statuses.
var (
	ErrMissingHeader = errors.New("missing signature header")
	ErrBadSignature  = errors.New("signature does not match")
	ErrStale         = errors.New("timestamp outside the tolerance window")
)

// Verify checks a delivery's signature headers as a consumer would, with
// constant-time comparison and a timestamp window (tolerance 0 disables
// the window).
func Verify(scheme Scheme, secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	return VerifyWith(scheme, nil, secret, h, body, now, tolerance)
}

// VerifyWith is Verify for a scheme with parameters (nil: the defaults).
func VerifyWith(scheme Scheme, p *Params, secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	s, err := NewWith(scheme, p, secret)
	if err != nil {
		return err
	}
	return s.Verify(h, body, now, tolerance)
}

// Verify checks a delivery's signature as the scheme's consumer libraries
// do (Standard Webhooks' verify, GitHub's @octokit/webhooks-methods
// verify, Stripe's constructEvent, Shopify's HMAC check), with
// constant-time comparison; tolerance bounds the timestamp of schemes
// that sign one (0 disables the window).
func (s *Signer) Verify(h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	switch s.scheme {
	case Daily:
		ts, sig := h.Get(DailyTimestampHeader), h.Get(DailySignatureHeader)
		if ts == "" || sig == "" {
			return fmt.Errorf("%w: need %s and %s", ErrMissingHeader, DailyTimestampHeader, DailySignatureHeader)
		}
		if err := checkWindow(ts, now, tolerance); err != nil {
			return err
		}
		if !hmac.Equal([]byte(sig), []byte(DailySignature(s.key, ts, body))) {
			return ErrBadSignature
		}
		return nil
	case Standard:
		id, ts, sigs := h.Get(StandardIDHeader), h.Get(StandardTimestampHeader), h.Get(StandardSignatureHeader)
		if id == "" || ts == "" || sigs == "" {
			return fmt.Errorf("%w: need %s, %s and %s", ErrMissingHeader, StandardIDHeader, StandardTimestampHeader, StandardSignatureHeader)
		}
		if err := checkWindow(ts, now, tolerance); err != nil {
			return err
		}
		want := []byte(StandardSignature(s.key, id, ts, body))
		// The header may list several signatures (key rotation); any v1
		// match will do, other versions are ignored.
		for _, sig := range strings.Fields(sigs) {
			version, sig, ok := strings.Cut(sig, ",")
			if ok && version == "v1" && hmac.Equal([]byte(sig), want) {
				return nil
			}
		}
		return ErrBadSignature
	case Stripe:
		return verifyStripe(s.key, h, body, now, tolerance)
	}
	return s.verifyHMAC(h, body, now, tolerance)
}

func checkWindow(ts string, now time.Time, tolerance time.Duration) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q is not Unix seconds", ErrStale, ts)
	}
	if tolerance <= 0 {
		return nil
	}
	d := now.Sub(time.Unix(sec, 0))
	if d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: %s off", ErrStale, d.Round(time.Second))
	}
	return nil
}
