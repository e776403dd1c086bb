// Package mistaken serves small webhook consumers that each get one thing
// wrong the way public consumer code does (the HMAC over the body alone, a
// hex digest, timingSafeEqual on unequal lengths, a signed-only probe...),
// for the tests of the verifier's diagnosis in contracts and cmd. Each is a
// real http.Handler with its own crypto, independent of hookmock's signing.
package mistaken

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Consumer is one consumer: correct except for Mistake.
type Consumer struct {
	// Name describes the consumer in test names.
	Name string
	// Mistake is the id the diagnosis must name (contracts.Mistake's
	// value); "" for a correct consumer.
	Mistake string
	// Clause is the clause its mistake fails.
	Clause string
	// Phrase is a phrase the diagnosis's finding must contain.
	Phrase string
	// Also is a second mistake the diagnosis must name, for the one
	// consumer with two (the second is what makes the first show).
	Also string
	// Standard: it checks Standard Webhooks signatures, not Daily's.
	Standard bool
	// Events are the event types to verify it with (nil: all four
	// calltransfer events).
	Events []string

	check func(c *check) int
	// probeAfterSignature checks the signature before it looks for the
	// probe, so the unsigned probe is rejected.
	probeAfterSignature bool
	// unused is an event type it answers 500 to.
	unused string
}

// Consumers are the correct consumers and one per recognised mistake.
var Consumers = []Consumer{
	{Name: "correct (daily)", check: correctDaily},
	{Name: "correct (standard)", Standard: true, check: correctStandard},
	{Name: "HMAC over the body alone", Mistake: "hmac-over-body-alone", Clause: "accepts-valid",
		Phrase: "your endpoint accepts an HMAC over the body alone; Daily signs `<X-Webhook-Timestamp>.<body>`",
		check:  func(c *check) int { return c.daily(c.b64(c.mac(c.key, c.body))) }},
	{Name: "secret used as a string, not base64-decoded", Mistake: "secret-not-base64-decoded", Clause: "accepts-valid",
		Phrase: "keyed with the secret string as it is",
		check:  func(c *check) int { return c.daily(c.b64(c.mac([]byte(c.secret), c.signed()))) }},
	{Name: "hex digest", Mistake: "hex-digest", Clause: "accepts-valid",
		Phrase: "accepts a hex digest; Daily sends the HMAC in base64",
		check:  func(c *check) int { return c.daily(hex.EncodeToString(c.mac(c.key, c.signed()))) }},
	{Name: "expects a sha256= prefix", Mistake: "sha256-prefix-expected", Clause: "accepts-valid",
		Phrase: "prefixed with `sha256=`",
		check:  func(c *check) int { return c.daily("sha256=" + c.b64(c.mac(c.key, c.signed()))) }},
	{Name: "expects a v1, prefix", Mistake: "v1-prefix-expected", Clause: "accepts-valid",
		Phrase: "expects a `v1,` prefix",
		check:  func(c *check) int { return c.daily("v1," + c.b64(c.mac(c.key, c.signed()))) }},
	{Name: "timestamp taken as milliseconds", Mistake: "timestamp-in-milliseconds", Clause: "accepts-valid",
		Phrase: "accepts a timestamp in milliseconds",
		check: func(c *check) int {
			ts, err := strconv.ParseInt(c.ts, 10, 64)
			if err != nil || time.Since(time.UnixMilli(ts)).Abs() > 5*time.Minute {
				return http.StatusUnauthorized
			}
			return c.equal(c.b64(c.mac(c.key, c.signed())), false)
		}},
	{Name: "secret as a Bearer token", Mistake: "secret-as-bearer-token", Clause: "accepts-valid",
		Phrase: "treats the secret as a Bearer token",
		check: func(c *check) int {
			if c.r.Header.Get("Authorization") != "Bearer "+c.secret {
				return http.StatusUnauthorized
			}
			return http.StatusOK
		}},
	{Name: "timingSafeEqual on unequal lengths", Mistake: "comparison-throws-on-unequal-lengths", Clause: "rejects-bad-signature",
		Phrase: "the comparison throws on unequal lengths",
		// As Daily documents it, with no replay window; the comparison is
		// the only mistake.
		check: func(c *check) int { return c.equal(c.b64(c.mac(c.key, c.signed())), true) }},
	{Name: "two mistakes: a hex digest compared with timingSafeEqual", Mistake: "comparison-throws-on-unequal-lengths", Also: "hex-digest", Clause: "accepts-valid",
		Phrase: "a correctly signed delivery gets 500 while a wrong signature gets 401: the comparison likely throws on unequal lengths",
		check: func(c *check) int {
			if c.r.Header.Get("X-Webhook-Signature") == "" || !c.fresh() {
				return http.StatusUnauthorized
			}
			return c.equal(hex.EncodeToString(c.mac(c.key, c.signed())), true)
		}},
	{Name: "two mistakes: a hex digest compared with timingSafeEqual, even when the header is missing", Mistake: "hex-digest", Also: "5xx-on-bad-input", Clause: "accepts-valid",
		Phrase: "accepts a hex digest; Daily sends the HMAC in base64",
		check:  func(c *check) int { return c.equal(hex.EncodeToString(c.mac(c.key, c.signed())), true) }},
	{Name: "probe rejected: signature checked first", Mistake: "probe-rejected", Clause: "probe",
		Phrase:              "the endpoint must answer 200 to Daily's unsigned verification request; the webhook cannot be created otherwise",
		check:               correctDaily,
		probeAfterSignature: true},
	{Name: "5xx on an event type it does not use", Mistake: "5xx-on-unused-event-type", Clause: "accepts-valid",
		Phrase: "after 3 failures the circuit breaker opens and Daily stops sending",
		Events: []string{"calltransfer.answered", "calltransfer.completed"}, check: correctDaily, unused: "calltransfer.answered"},
	{Name: "standard: webhook-id left out", Mistake: "webhook-id-not-signed", Clause: "accepts-valid", Standard: true,
		Phrase: "Standard Webhooks signs `<webhook-id>.<webhook-timestamp>.<body>`",
		check:  func(c *check) int { return c.standard("v1," + c.b64(c.mac(c.key, []byte(c.ts+"."), c.body))) }},
	{Name: "standard: whsec_ prefix not stripped", Mistake: "whsec-prefix-not-stripped", Clause: "accepts-valid", Standard: true,
		Phrase: "`whsec_` prefix included",
		check: func(c *check) int {
			return c.standard("v1," + c.b64(c.mac([]byte("whsec_"+c.secret), c.standardSigned())))
		}},
}

// Handler serves the consumer at any path; secret is the base64 key (for
// Standard Webhooks, the part after whsec_).
func (m Consumer) Handler(secret string) http.Handler {
	key, _ := base64.StdEncoding.DecodeString(secret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		probe := bytes.Equal(body, []byte(`{"test":"test"}`))
		if probe && !m.probeAfterSignature {
			return
		}
		c := &check{r: r, body: body, key: key, secret: secret}
		c.ts = r.Header.Get("X-Webhook-Timestamp")
		if m.Standard {
			c.ts = r.Header.Get("webhook-timestamp")
		}
		if st := m.check(c); st != http.StatusOK {
			msg := "invalid signature"
			if st >= 500 {
				msg = "TypeError: Input buffers must have the same byte length"
			}
			http.Error(w, msg, st)
			return
		}
		if probe {
			return
		}
		var ev struct{ Type string }
		if json.Unmarshal(body, &ev) != nil {
			http.Error(w, "malformed JSON", http.StatusBadRequest)
			return
		}
		if m.unused != "" && ev.Type == m.unused {
			http.Error(w, "unhandled event type "+ev.Type, http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	})
}

// check is one request being checked.
type check struct {
	r          *http.Request
	body, key  []byte
	secret, ts string
}

func (c *check) mac(key []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

func (c *check) b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// signed is Daily's signed string: timestamp, ".", body.
func (c *check) signed() []byte { return append([]byte(c.ts+"."), c.body...) }

// standardSigned is Standard Webhooks': id, ".", timestamp, ".", body.
func (c *check) standardSigned() []byte {
	return append([]byte(c.r.Header.Get("webhook-id")+"."+c.ts+"."), c.body...)
}

// fresh is a five-minute replay window on Unix seconds.
func (c *check) fresh() bool {
	ts, err := strconv.ParseInt(c.ts, 10, 64)
	return err == nil && time.Since(time.Unix(ts, 0)).Abs() <= 5*time.Minute
}

// daily checks X-Webhook-Signature against want, after the window.
func (c *check) daily(want string) int {
	if c.r.Header.Get("X-Webhook-Signature") == "" || !c.fresh() {
		return http.StatusUnauthorized
	}
	return c.equal(want, false)
}

// standard checks webhook-signature (one "v1,…" or several) against want.
func (c *check) standard(want string) int {
	if c.r.Header.Get("webhook-id") == "" || !c.fresh() {
		return http.StatusUnauthorized
	}
	for _, sig := range strings.Fields(c.r.Header.Get("webhook-signature")) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return http.StatusOK
		}
	}
	return http.StatusUnauthorized
}

// equal compares the Daily signature header with want; throwing, it does
// what Node's crypto.timingSafeEqual does on buffers of unequal length.
func (c *check) equal(want string, throwing bool) int {
	got := c.r.Header.Get("X-Webhook-Signature")
	if throwing && len(got) != len(want) {
		return http.StatusInternalServerError
	}
	if !hmac.Equal([]byte(got), []byte(want)) {
		return http.StatusUnauthorized
	}
	return http.StatusOK
}

func correctDaily(c *check) int { return c.daily(c.b64(c.mac(c.key, c.signed()))) }

func correctStandard(c *check) int {
	return c.standard("v1," + c.b64(c.mac(c.key, c.standardSigned())))
}
