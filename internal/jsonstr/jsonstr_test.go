package jsonstr_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/hookmock/hookmock/internal/jsonstr"
)

// Append writes what encoding/json writes, byte for byte, for any string,
// with HTML escaping on and off.
func TestAppendMatchesEncodingJSON(t *testing.T) {
	cases := []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr\b\f", "\x00\x01\x1f\x7f",
		"<html> & </html>", "é ü 漢字 😀", "\u2028\u2029", "bad \xff utf8 \xc3", "sip:user@host"}
	r := rand.New(rand.NewPCG(9, 9))
	for range 3000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		for _, html := range []bool{true, false} {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(html)
			if err := enc.Encode(s); err != nil {
				t.Fatal(err)
			}
			if got := jsonstr.Append([]byte("x"), s, html); string(got) != "x"+string(bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
				t.Fatalf("%q (escape HTML %v): got %s, encoding/json writes %s", s, html, got, want.Bytes())
			}
		}
	}
}
