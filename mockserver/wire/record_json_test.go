package wire_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hookmock/hookmock/mockserver/wire"
)

// nasty are strings that every escape rule of encoding/json meets.
var nasty = []string{"", "plain", `q"uote\back`, "<script>&amp;</script>", "line\nfeed\r\t\b\f", "\x00\x01\x1f\x7f",
	"\u2028\u2029", "bad \xff\xfe utf-8 \xc3", "émoji 😀 ü", strings.Repeat("long ", 100)}

// fill sets every field of v from r, with the shapes the encoding
// distinguishes: empty and nil, zero and not, special strings and floats.
func fill(r *rand.Rand, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(nasty[r.IntN(len(nasty))])
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int, reflect.Int64:
		v.SetInt([]int64{0, 1, -1, 7, 1 << 40, -(1 << 62)}[r.IntN(6)])
	case reflect.Float64:
		v.SetFloat([]float64{0, 1.5, 0.001, 1e-7, 123456.789, 1e21, 3e22, -2.5e-9, 1234567890.123}[r.IntN(9)])
	case reflect.Pointer:
		if r.IntN(3) > 0 && depth < 6 {
			v.Set(reflect.New(v.Type().Elem()))
			fill(r, v.Elem(), depth+1)
		}
	case reflect.Slice:
		switch n := r.IntN(4); {
		case n == 0 || depth >= 6: // nil
		default:
			s := reflect.MakeSlice(v.Type(), n-1, n-1)
			for i := range s.Len() {
				fill(r, s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Map: // http.Header
		switch n := r.IntN(5); n {
		case 0: // nil
		default:
			h := http.Header{}
			for range n - 1 {
				k := nasty[r.IntN(len(nasty))] + []string{"Content-Type", "X-A", "a", "Z"}[r.IntN(4)]
				var vs []string
				if r.IntN(5) > 0 {
					vs = make([]string, r.IntN(3))
					for i := range vs {
						vs[i] = nasty[r.IntN(len(nasty))]
					}
				}
				h[k] = vs
			}
			v.Set(reflect.ValueOf(h))
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			zones := []*time.Location{time.UTC, time.FixedZone("x", -7*3600-1800), time.Local}
			ts := []time.Time{{}, time.Unix(1770005095, 0), time.Unix(1770005095, 123456789), time.Unix(-1e9, 1)}
			v.Set(reflect.ValueOf(ts[r.IntN(len(ts))].In(zones[r.IntN(len(zones))])))
			return
		}
		for i := range v.NumField() {
			fill(r, v.Field(i), depth+1)
		}
	}
}

// AppendJSON writes json.Marshal's bytes for every shape of record:
// the fixtures are filled by reflection, so a field added to a record
// type is compared without this test being told.
func TestAppendJSONIsJSONMarshals(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		var d wire.Delivery
		fill(r, reflect.ValueOf(&d).Elem(), 0)
		want, werr := json.Marshal(d)
		got, gerr := d.AppendJSON([]byte("prefix"))
		if (werr != nil) != (gerr != nil) || werr == nil && !bytes.Equal(got, append([]byte("prefix"), want...)) {
			t.Fatalf("delivery %d:\n got  %s (%v)\n want prefix%s (%v)", i, got, gerr, want, werr)
		}
		for j := range d.Attempts {
			want, werr := json.Marshal(d.Attempts[j])
			got, gerr := d.Attempts[j].AppendJSON(nil)
			if (werr != nil) != (gerr != nil) || werr == nil && !bytes.Equal(got, want) {
				t.Fatalf("delivery %d, attempt %d:\n got  %s (%v)\n want %s (%v)", i, j, got, gerr, want, werr)
			}
		}
		enc, eerr := d.Encode()
		if (werr != nil) != (eerr != nil) || !bytes.Equal(enc, want) || len(enc) != cap(enc) {
			t.Fatalf("delivery %d: Encode %s (%v, cap %d)\n want %s (%v)", i, enc, eerr, cap(enc), want, werr)
		}
	}
	// A time encoding/json refuses is refused.
	bad := wire.Delivery{CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := bad.AppendJSON(nil); err == nil {
		t.Error("a year past 9999 encoded")
	}
}

// BenchmarkRecordJSON is the delivery record as the store encodes it: a
// delivered event with one attempt.
func BenchmarkRecordJSON(b *testing.B) {
	now := time.Unix(1770005095, 123456789).UTC()
	d := wire.Delivery{ID: "d_0001", WebhookUUID: "5a0c6c7e-0000-4000-8000-000000000001", URL: "http://127.0.0.1:8080/hook",
		EventType: "calltransfer.triggered", EventID: "8b5c3a4e-0000-4000-8000-000000000002", RetryType: "circuit-breaker",
		Status: wire.StatusDelivered, CreatedAt: now, UpdatedAt: now, Attempts: []wire.Attempt{{N: 1, At: now,
			Request: wire.SentRequest{Method: "POST", URL: "http://127.0.0.1:8080/hook", Body: string(benchBody), Headers: http.Header{
				"Content-Type": {"application/json"}, "User-Agent": {wire.UserAgent}, "X-Webhook-Signature": {"MGQ4ZDk1NzQ0YzI2NDgzNmE4NzA3NzY0ZmQ2NmU0NjM="},
				"X-Webhook-Timestamp": {"1770005095"}}},
			Response: &wire.GotResponse{Status: 200, Headers: http.Header{"Content-Length": {"0"}, "Date": {"Wed, 02 Dec 2026 09:00:00 GMT"}}},
			Latency:  1234567, LatencyMS: 1.234, Outcome: wire.OutcomeSuccess}}}
	b.Run("json.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(&d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := d.Encode(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
