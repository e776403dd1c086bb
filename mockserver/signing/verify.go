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
// Webhooks' libraries use 5 minutes; Daily documents no window.
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
	switch scheme {
	case Daily:
		key, err := DecodeDailySecret(secret)
		if err != nil {
			return err
		}
		ts, sig := h.Get(DailyTimestampHeader), h.Get(DailySignatureHeader)
		if ts == "" || sig == "" {
			return fmt.Errorf("%w: need %s and %s", ErrMissingHeader, DailyTimestampHeader, DailySignatureHeader)
		}
		if err := checkWindow(ts, now, tolerance); err != nil {
			return err
		}
		if !hmac.Equal([]byte(sig), []byte(DailySignature(key, ts, body))) {
			return ErrBadSignature
		}
		return nil
	case Standard:
		key, err := DecodeStandardSecret(secret)
		if err != nil {
			return err
		}
		id, ts, sigs := h.Get(StandardIDHeader), h.Get(StandardTimestampHeader), h.Get(StandardSignatureHeader)
		if id == "" || ts == "" || sigs == "" {
			return fmt.Errorf("%w: need %s, %s and %s", ErrMissingHeader, StandardIDHeader, StandardTimestampHeader, StandardSignatureHeader)
		}
		if err := checkWindow(ts, now, tolerance); err != nil {
			return err
		}
		want := []byte(StandardSignature(key, id, ts, body))
		// The header may list several signatures (key rotation); any v1
		// match will do, other versions are ignored.
		for _, s := range strings.Fields(sigs) {
			version, sig, ok := strings.Cut(s, ",")
			if ok && version == "v1" && hmac.Equal([]byte(sig), want) {
				return nil
			}
		}
		return ErrBadSignature
	}
	return fmt.Errorf("unknown signing scheme %q", scheme)
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
