package signing_test

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/hookmock/hookmock/signing"
)

// A prepared signer's signature costs one string for the values and one
// array for their header slices, whatever the scheme; given the array's
// room (as wire.Send gives it), only the string. Every delivery attempt
// signs, so a third allocation here is one more per delivered event.
func TestSignAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not kept under the race detector (sync.Pool drops items at random)")
	}
	secret := base64.StdEncoding.EncodeToString([]byte("a 32-byte secret for hookmock!!!"))
	body := bytes.Repeat([]byte("x"), 599)
	at := time.Unix(1770005095, 0)
	for _, c := range []struct {
		scheme signing.Scheme
		secret string
	}{{signing.Daily, secret}, {signing.Standard, "whsec_" + secret}, {signing.GitHub, secret}, {signing.Stripe, secret}} {
		s, err := signing.New(c.scheme, c.secret)
		if err != nil {
			t.Fatal(err)
		}
		h := make(http.Header, 8)
		s.Sign(h, "msg_1", at, body) // the first use fills the signer's pool
		if n := testing.AllocsPerRun(100, func() { s.Sign(h, "msg_1", at, body) }); n > 2 {
			t.Errorf("%s: Sign makes %v allocations, want at most 2", c.scheme, n)
		}
		vals := make([]string, 0, s.NumHeaders())
		if n := testing.AllocsPerRun(100, func() { s.SignAppend(h, vals[:0], "msg_1", at, body) }); n > 1 {
			t.Errorf("%s: SignAppend with room makes %v allocations, want at most 1", c.scheme, n)
		}
		if got := s.SignAppend(h, vals[:0], "msg_1", at, body); len(got) != len(s.Headers()) {
			t.Errorf("%s: SignAppend appended %d values, the signer writes %d headers", c.scheme, len(got), len(s.Headers()))
		}
	}
}
