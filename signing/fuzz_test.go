package signing_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/hookmock/hookmock/signing"
)

var fuzzSchemes = []signing.Scheme{signing.Daily, signing.Standard, signing.GitHub, signing.Stripe, signing.Shopify, signing.HMAC}

// FuzzVerify feeds verification whatever headers a sender might send, and
// checks that what Sign makes, Verify accepts, and that a changed body is
// refused.
func FuzzVerify(f *testing.F) {
	f.Fuzz(func(t *testing.T, scheme uint8, secret, id, ts, sig string, body []byte) {
		sch := fuzzSchemes[int(scheme)%len(fuzzSchemes)]
		now := time.Unix(1_770_000_000, 0)
		h := http.Header{}
		for _, k := range []string{signing.DailyTimestampHeader, signing.StandardTimestampHeader} {
			h.Set(k, ts)
		}
		for _, k := range []string{signing.DailySignatureHeader, signing.StandardSignatureHeader, "X-Hub-Signature-256", "Stripe-Signature", "X-Shopify-Hmac-Sha256", "X-Signature"} {
			h.Set(k, sig)
		}
		h.Set(signing.StandardIDHeader, id)
		s, err := signing.New(sch, secret)
		if err != nil {
			return
		}
		// Arbitrary headers: an error or, rarely, a match; never a panic.
		_ = s.Verify(h, body, now, signing.DefaultTolerance)
		_ = s.Verify(h, body, now, 0)

		signed := http.Header{}
		if id == "" {
			id = "msg"
		}
		s.Sign(signed, id, now, body)
		if err := s.Verify(signed, body, now, signing.DefaultTolerance); err != nil {
			t.Fatalf("%s: its own signature does not verify: %v", sch, err)
		}
		if err := s.Verify(signed, append(append([]byte{}, body...), 'x'), now, signing.DefaultTolerance); !errors.Is(err, signing.ErrBadSignature) {
			t.Fatalf("%s: a changed body gave %v, want ErrBadSignature", sch, err)
		}
	})
}
