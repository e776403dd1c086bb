package signing_test

import (
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // GitHub's legacy header is SHA-1
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookmock/hookmock/signing"
)

// indep is an HMAC computed with the standard library only, so the tests
// do not trust the code under test.
func indep(h func() hash.Hash, key, msg string) []byte {
	m := hmac.New(h, []byte(key))
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// GitHub's documented test vector
// (docs.github.com, "Validating webhook deliveries").
func TestGitHubPublishedVector(t *testing.T) {
	const secret, payload = "It's a Secret to Everybody", "Hello, World!"
	const want = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
	s, err := signing.New(signing.GitHub, secret)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	s.Sign(h, "", time.Unix(0, 0), []byte(payload))
	if got := h.Get("X-Hub-Signature-256"); got != want {
		t.Fatalf("X-Hub-Signature-256 %q, GitHub documents %q", got, want)
	}
	if h.Get("X-Hub-Signature") != "" {
		t.Error("legacy X-Hub-Signature sent without being asked for")
	}
	hv := http.Header{"X-Hub-Signature-256": {want}}
	if err := signing.Verify(signing.GitHub, secret, hv, []byte(payload), time.Now(), signing.DefaultTolerance); err != nil {
		t.Fatalf("GitHub's own vector does not verify: %v", err)
	}
}

func TestProfilesAgainstIndependentHMAC(t *testing.T) {
	const secret = "whsec_8c1b3f0a9e2d4c6b"
	body := []byte(`{"action":"opened","number":1}`)
	at := time.Unix(1770005095, 0)
	ts := strconv.FormatInt(at.Unix(), 10)
	dash := "-"
	for _, c := range []struct {
		name   string
		scheme signing.Scheme
		params *signing.Params
		want   map[string]string
	}{
		{"github", signing.GitHub, nil, map[string]string{
			"X-Hub-Signature-256": "sha256=" + hex.EncodeToString(indep(sha256.New, secret, string(body)))}},
		{"github legacy", signing.GitHub, &signing.Params{LegacySHA1: true}, map[string]string{
			"X-Hub-Signature-256": "sha256=" + hex.EncodeToString(indep(sha256.New, secret, string(body))),
			"X-Hub-Signature":     "sha1=" + hex.EncodeToString(indep(sha1.New, secret, string(body)))}},
		{"stripe", signing.Stripe, nil, map[string]string{
			"Stripe-Signature": "t=" + ts + ",v1=" + hex.EncodeToString(indep(sha256.New, secret, ts+"."+string(body)))}},
		{"shopify", signing.Shopify, nil, map[string]string{
			"X-Shopify-Hmac-Sha256": base64.StdEncoding.EncodeToString(indep(sha256.New, secret, string(body)))}},
		{"hmac sha1 hex body", signing.HMAC, &signing.Params{Header: "X-Sig", Algorithm: signing.SHA1}, map[string]string{
			"X-Sig": hex.EncodeToString(indep(sha1.New, secret, string(body)))}},
		{"hmac sha512 base64 prefix", signing.HMAC, &signing.Params{Header: "X-Sig", Algorithm: signing.SHA512, Encoding: signing.Base64, Prefix: "v0="},
			map[string]string{"X-Sig": "v0=" + base64.StdEncoding.EncodeToString(indep(sha512.New, secret, string(body)))}},
		{"hmac timestamp+body", signing.HMAC, &signing.Params{Header: "X-Sig", Signed: signing.SignTimestampBody, TimestampHeader: "X-Ts", Separator: &dash},
			map[string]string{"X-Ts": ts, "X-Sig": hex.EncodeToString(indep(sha256.New, secret, ts+"-"+string(body)))}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := signing.NewWith(c.scheme, c.params, secret)
			if err != nil {
				t.Fatal(err)
			}
			h := http.Header{}
			s.Sign(h, "msg_1", at, body)
			for k, v := range c.want {
				if got := h.Get(k); got != v {
					t.Errorf("%s: %q, independent %q", k, got, v)
				}
			}
			if len(h) != len(c.want) {
				t.Errorf("headers %v, want only %v", h, c.want)
			}
			if len(s.Headers()) != len(c.want) {
				t.Errorf("Headers() %v does not list what Sign writes", s.Headers())
			}
			for k := range h {
				if !signing.Writes(c.scheme, c.params, strings.ToLower(k)) {
					t.Errorf("Writes(%s) is false, but Sign wrote it", k)
				}
			}
			if signing.Writes(c.scheme, c.params, "Content-Type") {
				t.Error("Writes(Content-Type) is true")
			}
			verify := func(h http.Header, body []byte, now time.Time) error {
				return signing.VerifyWith(c.scheme, c.params, secret, h, body, now, signing.DefaultTolerance)
			}
			if err := verify(h, body, at); err != nil {
				t.Fatalf("own signature: %v", err)
			}
			// The faults, for every profile: a changed body or a foreign
			// key is a bad signature, removed headers a missing one.
			if err := verify(h, append([]byte(" "), body...), at); !errors.Is(err, signing.ErrBadSignature) {
				t.Errorf("changed body: %v", err)
			}
			foreign, _ := signing.NewWith(c.scheme, c.params, signing.ForeignSecret(c.scheme, secret))
			hf := http.Header{}
			foreign.Sign(hf, "msg_1", at, body)
			if err := verify(hf, body, at); !errors.Is(err, signing.ErrBadSignature) {
				t.Errorf("foreign secret: %v", err)
			}
			hm := h.Clone()
			for _, k := range s.Headers() {
				hm.Del(k)
			}
			if err := verify(hm, body, at); !errors.Is(err, signing.ErrMissingHeader) {
				t.Errorf("headers removed: %v", err)
			}
			// A stale timestamp fails where the scheme signs one.
			stale := http.Header{}
			s.Sign(stale, "msg_1", at.Add(-time.Hour), body)
			err = verify(stale, body, at)
			signsTime := c.scheme == signing.Stripe || c.params != nil && c.params.Signed == signing.SignTimestampBody
			if signsTime && !errors.Is(err, signing.ErrStale) || !signsTime && err != nil {
				t.Errorf("an hour old: %v", err)
			}
		})
	}
}

// Stripe lists several v1 signatures while a secret rolls; any may match.
func TestStripeSeveralSignatures(t *testing.T) {
	body := []byte(`{"id":"evt_1"}`)
	at := time.Unix(1770005095, 0)
	good := hex.EncodeToString(indep(sha256.New, "sk", "1770005095."+string(body)))
	h := http.Header{"Stripe-Signature": {"t=1770005095,v1=00ff,v0=abc,v1=" + good}}
	if err := signing.Verify(signing.Stripe, "sk", h, body, at, signing.DefaultTolerance); err != nil {
		t.Fatal(err)
	}
	h.Set("Stripe-Signature", "v1="+good)
	if err := signing.Verify(signing.Stripe, "sk", h, body, at, signing.DefaultTolerance); !errors.Is(err, signing.ErrBadSignature) {
		t.Errorf("no t=: %v", err)
	}
}

func TestHMACParamsChecked(t *testing.T) {
	for _, p := range []signing.Params{
		{},
		{Header: "X", Algorithm: "md5"},
		{Header: "X", Encoding: "base32"},
		{Header: "X", Signed: "id+body"},
		{Header: "X", Signed: signing.SignTimestampBody},
	} {
		if err := p.Check(signing.HMAC); err == nil {
			t.Errorf("%+v: no error", p)
		}
	}
	if _, err := signing.New(signing.HMAC, "s"); err == nil {
		t.Error("hmac without parameters: no error")
	}
}
