package wire

import (
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/hookmock/hookmock/internal/jsonstr"
)

// AppendJSON appends d encoded exactly as json.Marshal encodes it (the
// test holds it to that, field by field). The store encodes a delivery on
// every change of it, and encoding/json's reflection over the record, its
// header maps above all, costs a fifth of a delivery's CPU and some forty
// allocations; a MarshalJSON method would not help, since encoding/json
// re-scans what such a method returns. Decoding is encoding/json's.
func (d *Delivery) AppendJSON(b []byte) ([]byte, error) { return d.appendJSON(b) }

// AppendJSON appends a encoded exactly as json.Marshal encodes it, for a
// store that keeps attempts apart from their delivery.
func (a *Attempt) AppendJSON(b []byte) ([]byte, error) { return a.appendJSON(b) }

// Encode is json.Marshal(d) through AppendJSON: the bytes are built in a
// pooled buffer and returned in a slice of their exact size, one
// allocation, so that a store keeping them keeps no spare capacity.
func (d *Delivery) Encode() ([]byte, error) {
	bp := encodeBufs.Get().(*[]byte)
	b, err := d.appendJSON((*bp)[:0])
	var out []byte
	if err == nil {
		out = make([]byte, len(b))
		copy(out, b)
	}
	if cap(b) <= maxPooledEncode {
		*bp = b[:0]
		encodeBufs.Put(bp)
	}
	return out, err
}

var encodeBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// maxPooledEncode keeps a record with many attempts from pinning a large
// buffer in the pool.
const maxPooledEncode = 256 << 10

func (d *Delivery) appendJSON(b []byte) ([]byte, error) {
	var err error
	b = append(b, `{"id":`...)
	b = appendString(b, d.ID)
	b = append(b, `,"webhookUuid":`...)
	b = appendString(b, d.WebhookUUID)
	b = append(b, `,"url":`...)
	b = appendString(b, d.URL)
	b = append(b, `,"eventType":`...)
	b = appendString(b, d.EventType)
	b = append(b, `,"eventId":`...)
	b = appendString(b, d.EventID)
	b = append(b, `,"retryType":`...)
	b = appendString(b, d.RetryType)
	b = append(b, `,"status":`...)
	b = appendString(b, string(d.Status))
	if d.Reason != "" {
		b = append(b, `,"reason":`...)
		b = appendString(b, d.Reason)
	}
	b = append(b, `,"createdAt":`...)
	if b, err = appendTime(b, d.CreatedAt); err != nil {
		return nil, err
	}
	b = append(b, `,"updatedAt":`...)
	if b, err = appendTime(b, d.UpdatedAt); err != nil {
		return nil, err
	}
	if d.NextAttemptAt != nil {
		b = append(b, `,"nextAttemptAt":`...)
		if b, err = appendTime(b, *d.NextAttemptAt); err != nil {
			return nil, err
		}
	}
	if len(d.Faults) > 0 {
		b = append(b, `,"faults":`...)
		b = appendStrings(b, d.Faults)
	}
	if len(d.Injected) > 0 {
		b = append(b, `,"injected":[`...)
		for i := range d.Injected {
			if i > 0 {
				b = append(b, ',')
			}
			b = d.Injected[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	if d.DuplicateOf != "" {
		b = append(b, `,"duplicateOf":`...)
		b = appendString(b, d.DuplicateOf)
	}
	if d.Copy != 0 {
		b = append(b, `,"copy":`...)
		b = strconv.AppendInt(b, int64(d.Copy), 10)
	}
	if d.ReplayOf != "" {
		b = append(b, `,"replayOf":`...)
		b = appendString(b, d.ReplayOf)
	}
	b = append(b, `,"attempts":`...)
	if d.Attempts == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range d.Attempts {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = d.Attempts[i].appendJSON(b); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	if d.Sending != 0 {
		b = append(b, `,"sending":`...)
		b = strconv.AppendInt(b, int64(d.Sending), 10)
	}
	return append(b, '}'), nil
}

func (a *Attempt) appendJSON(b []byte) ([]byte, error) {
	var err error
	b = append(b, `{"n":`...)
	b = strconv.AppendInt(b, int64(a.N), 10)
	b = append(b, `,"at":`...)
	if b, err = appendTime(b, a.At); err != nil {
		return nil, err
	}
	b = append(b, `,"request":{"method":`...)
	b = appendString(b, a.Request.Method)
	b = append(b, `,"url":`...)
	b = appendString(b, a.Request.URL)
	b = append(b, `,"headers":`...)
	b = appendHeader(b, a.Request.Headers)
	b = append(b, `,"body":`...)
	b = appendString(b, a.Request.Body)
	b = append(b, '}')
	if r := a.Response; r != nil {
		b = append(b, `,"response":{"status":`...)
		b = strconv.AppendInt(b, int64(r.Status), 10)
		b = append(b, `,"headers":`...)
		b = appendHeader(b, r.Headers)
		b = append(b, `,"body":`...)
		b = appendString(b, r.Body)
		if r.BodyTruncated {
			b = append(b, `,"bodyTruncated":true`...)
		}
		if r.HeadersTruncated {
			b = append(b, `,"headersTruncated":true`...)
		}
		b = append(b, '}')
	}
	b = append(b, `,"latencyNs":`...)
	b = strconv.AppendInt(b, int64(a.Latency), 10)
	b = append(b, `,"latencyMs":`...)
	if b, err = appendFloat(b, a.LatencyMS); err != nil {
		return nil, err
	}
	if a.Error != "" {
		b = append(b, `,"error":`...)
		b = appendString(b, a.Error)
	}
	b = append(b, `,"outcome":`...)
	b = appendString(b, a.Outcome)
	return append(b, '}'), nil
}

func (f *AppliedFault) appendJSON(b []byte) []byte {
	b = append(b, `{"kind":`...)
	b = appendString(b, string(f.Kind))
	if f.Count != 0 {
		b = append(b, `,"count":`...)
		b = strconv.AppendInt(b, int64(f.Count), 10)
	}
	if f.Gap != "" {
		b = append(b, `,"gap":`...)
		b = appendString(b, f.Gap)
	}
	if f.Window != 0 {
		b = append(b, `,"window":`...)
		b = strconv.AppendInt(b, int64(f.Window), 10)
	}
	if f.Invalid != "" {
		b = append(b, `,"invalid":`...)
		b = appendString(b, f.Invalid)
	}
	if f.ContentType != "" {
		b = append(b, `,"contentType":`...)
		b = appendString(b, f.ContentType)
	}
	b = append(b, `,"expect":`...)
	b = appendString(b, f.Expect)
	b = append(b, `,"detail":`...)
	b = appendString(b, f.Detail)
	return append(b, '}')
}

// appendHeader writes a header map as encoding/json does: null when nil,
// names in sorted order, each with its list of values (null when nil).
func appendHeader(b []byte, h http.Header) []byte {
	if h == nil {
		return append(b, "null"...)
	}
	var small [16]string
	keys := small[:0]
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		if vs := h[k]; vs == nil {
			b = append(b, "null"...)
		} else {
			b = appendStrings(b, vs)
		}
	}
	return append(b, '}')
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendTime is time.Time's MarshalJSON, appended.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	if y := t.Year(); y < 0 || y >= 10000 {
		return nil, errors.New("Time.MarshalJSON: year outside of range [0,9999]")
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

// appendFloat writes a float64 as encoding/json does: like ES6, exponent
// form only below 1e-6 and from 1e21 on.
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, errors.New("json: unsupported value: " + strconv.FormatFloat(f, 'g', -1, 64))
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 becomes e-9, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// appendString is json.Marshal's string encoding.
func appendString(b []byte, s string) []byte { return jsonstr.Append(b, s, true) }
