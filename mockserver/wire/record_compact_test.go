package wire_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver/wire"
)

func columns(d *wire.Delivery) wire.RecordColumns {
	return wire.RecordColumns{ID: d.ID, WebhookUUID: d.WebhookUUID, EventType: d.EventType, EventID: d.EventID, Status: d.Status}
}

// The compact record gives back every field: its decoding exports the
// JSON the original does, for every shape of record (filled by
// reflection, so a field added to a record type is compared too).
func TestRecordRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 5000 {
		var d wire.Delivery
		fill(r, reflect.ValueOf(&d).Elem(), 0)
		want, werr := json.Marshal(d)
		doc := d.EncodeRecord()
		if !wire.IsRecord(doc) || len(doc) != cap(doc) {
			t.Fatalf("delivery %d: %q is not a record of its exact size (cap %d)", i, doc, cap(doc))
		}
		var got wire.Delivery
		if err := wire.DecodeRecord(doc, columns(&d), &got); err != nil {
			t.Fatalf("delivery %d: %v", i, err)
		}
		gotJSON, gerr := json.Marshal(got)
		if (werr != nil) != (gerr != nil) || werr == nil && !bytes.Equal(gotJSON, want) {
			t.Fatalf("delivery %d:\n got  %s (%v)\n want %s (%v)", i, gotJSON, gerr, want, werr)
		}
	}
}

// benchDelivery is a delivered event as the engine records it, with
// attempts attempts: each a retry after a 500, with a new timestamp and
// signature and the same body, Authorization and declared header.
func benchDelivery(attempts int) wire.Delivery {
	now := time.Unix(1770005095, 123456789).UTC()
	d := wire.Delivery{ID: "d_0001", WebhookUUID: "5a0c6c7e-0000-4000-8000-000000000001", URL: "http://127.0.0.1:8080/hook",
		EventType: "calltransfer.triggered", EventID: "8b5c3a4e-0000-4000-8000-000000000002", RetryType: "circuit-breaker",
		Status: wire.StatusDelivered, CreatedAt: now, UpdatedAt: now.Add(time.Duration(attempts) * time.Second)}
	for n := 1; n <= attempts; n++ {
		at := now.Add(time.Duration(n-1) * time.Second)
		status, outcome := 500, wire.OutcomeFailure
		if n == attempts {
			status, outcome = 200, wire.OutcomeSuccess
		}
		d.Attempts = append(d.Attempts, wire.Attempt{N: n, At: at,
			Request: wire.SentRequest{Method: "POST", URL: d.URL, Body: string(benchBody), Headers: http.Header{
				"Content-Type": {"application/json"}, "User-Agent": {wire.UserAgent}, "Authorization": {"Basic dXNlcjpwYXNz"},
				"X-Webhook-Signature": {[]string{"MGQ4ZDk1NzQ0YzI2NDgzNmE4NzA3NzY0ZmQ2NmU0NjM=", "+Aius3UJ3Tz68RICE4d62dYBxXqO0l0+eGB9IRFbxDo="}[n%2]},
				"X-Webhook-Timestamp": {strconv.FormatInt(at.Unix(), 10)}, "X-Acme-Event": {"calltransfer.triggered"}}},
			Response: &wire.GotResponse{Status: status, Headers: http.Header{"Content-Length": {"0"}, "Date": {at.Format(http.TimeFormat)}}},
			Latency:  1234567, LatencyMS: 1.234, Outcome: outcome})
	}
	return d
}

// The body is kept once, raw, however many attempts sent it; the headers
// every retry repeats cost a byte each.
func TestRecordBodyOnce(t *testing.T) {
	one, five := benchDelivery(1), benchDelivery(5)
	docOne, docFive := one.EncodeRecord(), five.EncodeRecord()
	for _, doc := range [][]byte{docOne, docFive} {
		if n := bytes.Count(doc, benchBody); n != 1 {
			t.Errorf("the body is in the record %d times, want once", n)
		}
	}
	jsonOne, _ := json.Marshal(one)
	t.Logf("one attempt: %d bytes (JSON %d); five: %d", len(docOne), len(jsonOne), len(docFive))
	if len(docOne) > len(benchBody)+220 {
		t.Errorf("a record of one attempt takes %d bytes, the body %d", len(docOne), len(benchBody))
	}
	// A retry keeps its timestamp, signature, date and answer: not much more.
	if per := (len(docFive) - len(docOne)) / 4; per > 110 {
		t.Errorf("each retry adds %d bytes", per)
	}
	var got wire.Delivery
	if err := wire.DecodeRecord(docFive, columns(&five), &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, five) {
		t.Fatalf("decoded\n %+v\nwant\n %+v", got, five)
	}
	// Decoded attempts share one body.
	if got.Attempts[0].Request.Body != got.Attempts[4].Request.Body {
		t.Fatal("bodies differ")
	}
}

// What a fault changed is recorded exactly as it went on the wire: a
// signature under another key, a dropped signature header, a stale
// timestamp, another content type, each on some attempts only, and values
// that look binary but are not canonical (kept as text).
func TestRecordFaultChangedHeaders(t *testing.T) {
	d := benchDelivery(4)
	h := func(n int) http.Header { return d.Attempts[n].Request.Headers }
	h(0)["X-Webhook-Signature"] = []string{"bm90IHRoZSBrZXkgdGhlIGNvbnN1bWVyIGhhcw=="}
	delete(h(1), "X-Webhook-Signature")
	delete(h(1), "X-Webhook-Timestamp")
	h(2)["Content-Type"] = []string{"text/plain; charset=utf-16"}
	h(2)["X-Webhook-Timestamp"] = []string{"0001770005095"}
	h(3)["X-Webhook-Signature"] = []string{"MGQ4ZDk1NzQ0YzI2NDgzNmE4NzA3NzY0ZmQ2NmU0NjN=", "", "x"} // stray bits
	h(3)["Authorization"] = nil
	h(3)["Date"] = []string{"Wed, 02 Dec 2026 09:00:00 UTC", "Wed, 31 Feb 2026 09:00:00 GMT", "Thu, 02 Dec 2026 09:00:00 GMT"}
	d.Attempts[1].Request.Body = `{"truncated":`
	d.Attempts[3].Response.Headers = nil
	d.Attempts[2].Response = nil
	doc := d.EncodeRecord()
	var got wire.Delivery
	if err := wire.DecodeRecord(doc, columns(&d), &got); err != nil {
		t.Fatal(err)
	}
	for i := range d.Attempts {
		if !reflect.DeepEqual(got.Attempts[i], d.Attempts[i]) {
			t.Errorf("attempt %d:\n got  %+v\n want %+v", i+1, got.Attempts[i], d.Attempts[i])
		}
	}
}

// A corrupt or cut record is an error, never a panic or a huge allocation.
func TestRecordCorrupt(t *testing.T) {
	d := benchDelivery(3)
	doc := d.EncodeRecord()
	for n := range len(doc) {
		var got wire.Delivery
		if err := wire.DecodeRecord(doc[:n], columns(&d), &got); err == nil {
			t.Fatalf("a record cut at %d of %d bytes decoded", n, len(doc))
		}
	}
	if err := wire.DecodeRecord(append(doc[:len(doc):len(doc)], 0), columns(&d), &wire.Delivery{}); err == nil {
		t.Fatal("a record with a byte after it decoded")
	}
	if err := wire.DecodeRecord([]byte(`{"id":"x"}`), columns(&d), &wire.Delivery{}); err == nil {
		t.Fatal("JSON decoded as a record")
	}
}

func FuzzDecodeRecord(f *testing.F) {
	for _, n := range []int{0, 1, 3} {
		d := benchDelivery(n)
		f.Add(d.EncodeRecord())
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		var d wire.Delivery
		if wire.DecodeRecord(doc, wire.RecordColumns{}, &d) != nil {
			return
		}
		// What decodes encodes back to a record that decodes the same.
		var again wire.Delivery
		if err := wire.DecodeRecord(d.EncodeRecord(), wire.RecordColumns{}, &again); err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(d)
		b, _ := json.Marshal(again)
		if !bytes.Equal(a, b) {
			t.Fatalf("\n%s\n%s", a, b)
		}
	})
}

// BenchmarkRecord is the store's encoding of a delivered event, one
// attempt, and its decoding, next to BenchmarkRecordJSON's.
func BenchmarkRecord(b *testing.B) {
	d := benchDelivery(1)
	doc := d.EncodeRecord()
	b.Run("Encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = d.EncodeRecord()
		}
		b.ReportMetric(float64(len(doc)), "bytes")
	})
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var got wire.Delivery
			if err := wire.DecodeRecord(doc, columns(&d), &got); err != nil {
				b.Fatal(err)
			}
		}
	})
	js, _ := json.Marshal(d)
	b.Run("DecodeJSON", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var got wire.Delivery
			if err := json.Unmarshal(js, &got); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(js)), "bytes")
	})
}

// An attempt records at most MaxRecordedHeaderValues response header
// values, the first by name, and says it left the rest out.
func TestSendCapsRecordedResponseHeaderValues(t *testing.T) {
	for _, extra := range []int{wire.MaxRecordedHeaderValues - 2, wire.MaxRecordedHeaderValues - 1, 500} {
		consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			// With the server's own Content-Length and Date: extra+2 values.
			for i := range extra {
				w.Header().Add(fmt.Sprintf("X-H-%03d", i/2), strconv.Itoa(i))
			}
		}))
		att := wire.Send(context.Background(), wire.NewClient(nil), wire.Target{URL: consumer.URL},
			wire.Request{MsgID: "m", Body: benchBody, At: time.Now(), Timeout: 5 * time.Second, BodyLimit: 1 << 10})
		consumer.Close()
		if att.Response == nil {
			t.Fatalf("%d headers: %s", extra, att.Error)
		}
		n := 0
		for _, vs := range att.Response.Headers {
			n += len(vs)
		}
		over := extra+2 > wire.MaxRecordedHeaderValues
		if want := min(extra+2, wire.MaxRecordedHeaderValues); n != want || att.Response.HeadersTruncated != over {
			t.Fatalf("%d values answered: %d recorded (want %d), truncated %v", extra+2, n, want, att.Response.HeadersTruncated)
		}
		// The first by name, each with its values in order.
		if got := att.Response.Headers["X-H-000"]; !reflect.DeepEqual(got, []string{"0", "1"}) || att.Response.Headers.Get("Date") == "" {
			t.Fatalf("kept %v", att.Response.Headers)
		}
		if over {
			last := fmt.Sprintf("X-H-%03d", (wire.MaxRecordedHeaderValues-2-1)/2)
			if len(att.Response.Headers[last]) == 0 || att.Response.Headers[fmt.Sprintf("X-H-%03d", (wire.MaxRecordedHeaderValues-2)/2+1)] != nil {
				t.Fatalf("kept %v", att.Response.Headers)
			}
		}
	}
}
