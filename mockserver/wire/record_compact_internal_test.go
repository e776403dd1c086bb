package wire

import (
	"net/http"
	"testing"

	"github.com/hookmock/hookmock/signing"
)

// recordWordsV1 is the word table as version 1 of the compact record
// shipped. Records on disk refer to its entries by index: an entry changed,
// moved or removed would decode old records as something they never
// said. New words go at the end of recordWords (this copy stays as it is).
var recordWordsV1 = []string{
	// Request header names.
	"Content-Type", "User-Agent", "Authorization", "X-Webhook-Signature", "X-Webhook-Timestamp",
	"Webhook-Id", "Webhook-Timestamp", "Webhook-Signature", "X-Hub-Signature-256", "X-Hub-Signature",
	"Stripe-Signature", "X-Shopify-Hmac-Sha256", "X-Github-Event", "X-Github-Delivery", "X-Github-Hook-Id",
	"X-Github-Hook-Installation-Target-Id", "X-Github-Hook-Installation-Target-Type", "X-Shopify-Topic",
	"X-Shopify-Webhook-Id", "X-Event-Type", "X-Request-Id",
	// Request header values.
	"application/json", "hookmock (Daily webhook mock)", "GitHub-Hookshot/hookmock",
	"Stripe/1.0 (+https://stripe.com/docs/webhooks)", "Shopify-Captain-Hook",
	"text/plain", "text/plain; charset=utf-8", "application/json; charset=utf-8",
	"application/x-www-form-urlencoded", "application/xml", "text/html; charset=utf-8",
	// Response header names and values.
	"Content-Length", "Date", "Server", "Connection", "Keep-Alive", "Transfer-Encoding", "Vary",
	"Cache-Control", "Content-Encoding", "Etag", "X-Powered-By", "Access-Control-Allow-Origin",
	"Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Set-Cookie", "Location",
	"close", "keep-alive", "chunked", "nosniff", "*", "no-cache", "no-store", "DENY", "SAMEORIGIN",
	"Accept-Encoding", "Origin", "gzip", "Express", "nginx", "uvicorn", "Werkzeug/3.0.1 Python/3.12.0",
	// The record's own words.
	"POST", "success", "failure", "interrupted", "circuit-breaker", "exponential",
}

func TestRecordWords(t *testing.T) {
	if len(recordWords) < len(recordWordsV1) {
		t.Fatalf("the table has %d words, version 1 had %d: words are never removed", len(recordWords), len(recordWordsV1))
	}
	for i, w := range recordWordsV1 {
		if recordWords[i] != w {
			t.Fatalf("word %d is %q, version 1 wrote %q there: append new words instead", i, recordWords[i], w)
		}
	}
	// What the engine sends on every attempt is in the table, so that it
	// costs a byte: a renamed User-Agent or a new scheme's header is a new
	// word at the end.
	want := []string{UserAgent, "application/json", http.MethodPost, OutcomeSuccess, OutcomeFailure, OutcomeInterrupted,
		"Content-Type", "User-Agent", "Authorization"}
	for _, s := range []signing.Scheme{signing.Daily, signing.Standard, signing.GitHub, signing.Stripe, signing.Shopify} {
		if ua := signing.UserAgent(s); ua != "" {
			want = append(want, ua)
		}
	}
	for _, k := range []string{signing.DailySignatureHeader, signing.DailyTimestampHeader, signing.StandardIDHeader,
		signing.StandardTimestampHeader, signing.StandardSignatureHeader, signing.GitHubSignatureHeader,
		signing.GitHubLegacySignatureHeader, signing.StripeSignatureHeader, signing.ShopifySignatureHeader} {
		want = append(want, http.CanonicalHeaderKey(k))
	}
	for _, w := range want {
		if _, ok := recordWordIndex[w]; !ok {
			t.Errorf("%q is not in the record's word table: append it", w)
		}
	}
}
