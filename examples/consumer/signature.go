package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Signature problems; every one is answered 401.
var (
	errNoSignature  = errors.New("missing X-Webhook-Signature or X-Webhook-Timestamp")
	errBadSignature = errors.New("signature does not match")
	errStale        = errors.New("timestamp outside the replay window")
)

// verifySignature checks Daily's signature the way Daily describes it:
//
//	X-Webhook-Signature = base64(HMAC-SHA256(base64-decode(secret), X-Webhook-Timestamp + "." + body))
//
// over the exact bytes received (never re-serialised JSON), compared in
// constant time. Daily documents no replay window; rejecting timestamps
// further than tolerance from now stops a captured delivery from being
// replayed later.
func verifySignature(key []byte, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	ts, sig := h.Get("X-Webhook-Timestamp"), h.Get("X-Webhook-Signature")
	if ts == "" || sig == "" {
		return errNoSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q is not Unix seconds", errStale, ts)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: %s off", errStale, d.Round(time.Second))
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(ts))
	mac.Write([]byte{'.'})
	mac.Write(body)
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return errBadSignature
	}
	return nil
}

// decodeSecret reads the webhook's hmac as Daily gives it: base64.
func decodeSecret(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(secret)
	if err != nil || len(key) == 0 {
		return nil, fmt.Errorf("the webhook secret must be Daily's base64 hmac: %v", err)
	}
	return key, nil
}
