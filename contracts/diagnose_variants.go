package contracts

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hookmock/hookmock/signing"
)

// variant is one way of signing a delivery wrongly, the way a consumer
// with one mistake expects it: if the consumer accepts it, the mistake is
// named.
type variant struct {
	mistake Mistake
	// step says what was sent differently, in the evidence.
	step      string
	says, fix string
	sign      func(k signingKeys, id string, at time.Time, body []byte) http.Header
}

// signingKeys is the secret in the forms a consumer may wrongly use.
type signingKeys struct {
	scheme signing.Scheme
	// key is the real key: the decoded base64 (after whsec_ for Standard).
	key []byte
	// text is the secret's base64 text (without whsec_); whsec is it with
	// the prefix; secret is the secret as the contract gives it.
	text, whsec, secret string
}

func newSigningKeys(scheme signing.Scheme, secret string) (signingKeys, error) {
	k := signingKeys{scheme: scheme, secret: secret, text: strings.TrimPrefix(secret, "whsec_")}
	k.whsec = "whsec_" + k.text
	var err error
	if scheme == signing.Standard {
		k.key, err = signing.DecodeStandardSecret(secret)
	} else {
		k.key, err = signing.DecodeDailySecret(secret)
	}
	return k, err
}

// mac is HMAC-SHA256 of the parts joined by nothing.
func mac(key []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

var b64 = base64.StdEncoding.EncodeToString

// signedString is what the scheme signs, optionally without the id.
func (k signingKeys) signedString(id, ts string, body []byte, withID bool) [][]byte {
	if k.scheme == signing.Standard && withID {
		return [][]byte{[]byte(id + "." + ts + "."), body}
	}
	return [][]byte{[]byte(ts + "."), body}
}

// headers sets the scheme's signature headers to a timestamp and a
// signature value, as sent (Standard's "v1," included or not by the caller).
func (k signingKeys) headers(id, ts, sig string) http.Header {
	h := http.Header{}
	if k.scheme == signing.Standard {
		h.Set(signing.StandardIDHeader, id)
		h.Set(signing.StandardTimestampHeader, ts)
		h.Set(signing.StandardSignatureHeader, sig)
		return h
	}
	h.Set(signing.DailyTimestampHeader, ts)
	h.Set(signing.DailySignatureHeader, sig)
	return h
}

// prefix is what the scheme puts before the digest.
func (k signingKeys) prefix() string {
	if k.scheme == signing.Standard {
		return "v1,"
	}
	return ""
}

// signAs builds a variant's signer from the parts that differ: the key,
// whether the id is signed, whether the timestamp is signed at all, the
// timestamp's unit, the digest's encoding and the prefix.
type signAs struct {
	key        func(k signingKeys) []byte
	noID       bool
	bodyOnly   bool
	millis     bool
	encode     func([]byte) string
	prefix     func(k signingKeys) string
	bearerAuth bool
}

func (v signAs) sign(k signingKeys, id string, at time.Time, body []byte) http.Header {
	ts := strconv.FormatInt(at.Unix(), 10)
	if v.millis {
		ts = strconv.FormatInt(at.UnixMilli(), 10)
	}
	key := k.key
	if v.key != nil {
		key = v.key(k)
	}
	parts := k.signedString(id, ts, body, !v.noID)
	if v.bodyOnly {
		parts = [][]byte{body}
	}
	encode, prefix := b64, k.prefix()
	if v.encode != nil {
		encode = v.encode
	}
	if v.prefix != nil {
		prefix = v.prefix(k)
	}
	h := k.headers(id, ts, prefix+encode(mac(key, parts...)))
	if v.bearerAuth {
		h.Set("Authorization", "Bearer "+k.secret)
	}
	return h
}

func constPrefix(p string) func(signingKeys) string { return func(signingKeys) string { return p } }

// shortSignature is a well-formed header with a digest far too short: a
// comparison that throws on unequal lengths crashes on it.
func shortSignature(k signingKeys, id string, at time.Time, _ []byte) http.Header {
	return k.headers(id, strconv.FormatInt(at.Unix(), 10), k.prefix()+"AAAA")
}

// variants lists, for a scheme, the mis-signings to try, most common
// mistake first; the first one the consumer accepts names its mistake.
func variants(scheme signing.Scheme, basicAuth bool) []variant {
	signed, provider, header := "`<X-Webhook-Timestamp>.<body>`", "Daily", signing.DailySignatureHeader
	tsHeader := signing.DailyTimestampHeader
	if scheme == signing.Standard {
		signed, provider, header = "`<webhook-id>.<webhook-timestamp>.<body>`", "Standard Webhooks", signing.StandardSignatureHeader
		tsHeader = signing.StandardTimestampHeader
	}
	rawKey := func(k signingKeys) []byte { return []byte(k.text) }
	vs := []variant{{
		mistake: MistakeBodyOnlyHMAC, step: "HMAC over the body alone",
		says: "your endpoint accepts an HMAC over the body alone; " + provider + " signs " + signed,
		fix:  "compute the HMAC over " + strings.Trim(signed, "`") + " (the timestamp header, a dot, the raw body), not the body alone",
		sign: signAs{bodyOnly: true}.sign,
	}}
	if scheme == signing.Standard {
		vs = append(vs, variant{
			mistake: MistakeIDOmitted, step: "HMAC over <webhook-timestamp>.<body>, webhook-id left out",
			says: "your endpoint accepts a signature over `<webhook-timestamp>.<body>`; Standard Webhooks signs " + signed,
			fix:  "put webhook-id and a dot before the timestamp in the signed string",
			sign: signAs{noID: true}.sign,
		}, variant{
			mistake: MistakeWhsecKept, step: "HMAC keyed with the whole secret, whsec_ prefix included",
			says: "your endpoint accepts an HMAC keyed with the secret as it is, `whsec_` prefix included; the key is the base64 after `whsec_`, decoded",
			fix:  "strip `whsec_` and base64-decode the rest; use those bytes as the key",
			sign: signAs{key: func(k signingKeys) []byte { return []byte(k.whsec) }}.sign,
		})
	}
	vs = append(vs, variant{
		mistake: MistakeRawKey, step: "HMAC keyed with the secret's base64 text, not decoded",
		says: "your endpoint accepts an HMAC keyed with the secret string as it is; " + provider + "'s key is the secret base64-decoded",
		fix:  `base64-decode the secret and use the bytes as the key (Node: Buffer.from(secret, "base64"); Python: base64.b64decode(secret))`,
		sign: signAs{key: rawKey}.sign,
	}, variant{
		mistake: MistakeHexDigest, step: "hex digest instead of base64",
		says: "your endpoint accepts a hex digest; " + provider + " sends the HMAC in base64",
		fix:  `encode the HMAC in standard base64 (Node: digest("base64"); Python: base64.b64encode(mac.digest()))`,
		sign: signAs{encode: hex.EncodeToString}.sign,
	})
	if scheme == signing.Standard {
		vs = append(vs, variant{
			mistake: MistakeV1PrefixMissing, step: "bare base64 digest, without v1,",
			says: "your endpoint expects the bare digest; Standard Webhooks sends `v1,<base64>` (several, space-separated, while keys rotate)",
			fix:  "split webhook-signature on spaces, strip `v1,` from each and compare each with your digest",
			sign: signAs{prefix: constPrefix("")}.sign,
		})
	} else {
		vs = append(vs, variant{
			mistake: MistakeSHA256Prefix, step: "signature prefixed with sha256=",
			says: "your endpoint expects the signature prefixed with `sha256=`; Daily sends the bare base64 digest",
			fix:  "compare " + header + " as it is, with no prefix",
			sign: signAs{prefix: constPrefix("sha256=")}.sign,
		}, variant{
			mistake: MistakeV1Prefix, step: "signature prefixed with v1,",
			says: "your endpoint expects a `v1,` prefix, as Standard Webhooks sends; Daily sends the bare base64 digest",
			fix:  "compare " + header + " as it is, with no prefix",
			sign: signAs{prefix: constPrefix("v1,")}.sign,
		})
	}
	vs = append(vs, variant{
		mistake: MistakeMilliseconds, step: "timestamp in milliseconds, signed as such",
		says: "your endpoint accepts a timestamp in milliseconds; " + tsHeader + " is Unix seconds, so your replay check takes every real delivery for a stale one",
		fix:  "compare " + tsHeader + " with the time in seconds (Date.now()/1000, time.time())",
		sign: signAs{millis: true}.sign,
	})
	if !basicAuth {
		// With basicAuth, Authorization is taken; the variant would drop it.
		vs = append(vs, variant{
			mistake: MistakeBearerToken, step: "signed correctly, with Authorization: Bearer <secret>",
			says: "your endpoint treats the secret as a Bearer token: it accepts a delivery only with `Authorization: Bearer <secret>`; " + provider + " never sends the secret, it signs with it",
			fix:  "verify " + header + " with the secret instead of looking for the secret in Authorization",
			sign: signAs{bearerAuth: true}.sign,
		})
	}
	return vs
}
