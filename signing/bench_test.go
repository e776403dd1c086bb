package signing_test

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"github.com/hookmock/hookmock/signing"
)

// BenchmarkSign is one attempt's signature with a prepared signer, the
// way the provider signs (one signer per webhook, many workers).
func BenchmarkSign(b *testing.B) {
	secret := base64.StdEncoding.EncodeToString([]byte("a 32-byte secret for hookmock!!!"))
	body := bytes.Repeat([]byte("x"), 599)
	for _, c := range []struct {
		scheme signing.Scheme
		secret string
	}{{signing.Daily, secret}, {signing.Standard, "whsec_" + secret}, {signing.GitHub, secret}, {signing.Stripe, secret}} {
		b.Run(string(c.scheme), func(b *testing.B) {
			s, err := signing.New(c.scheme, c.secret)
			if err != nil {
				b.Fatal(err)
			}
			at := time.Unix(1770005095, 0)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					s.Sign(make(http.Header, 4), "msg_1", at, body)
				}
			})
		})
	}
}
