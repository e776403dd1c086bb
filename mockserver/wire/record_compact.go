package wire

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// The compact record is how a store keeps a delivery: what its JSON export
// holds, in a quarter less space and without JSON's escaping, so that a
// log of 100,000 records fits in a fraction of the memory. It is lossless:
// DecodeRecord gives back every field EncodeRecord was given (the JSON
// export of the result is byte for byte that of the original), however the
// provider is configured when it is read, since nothing in it is derived
// from settings that could have changed since the attempt was made.
//
// What makes it small:
//   - the event body is kept once per delivery; every attempt that sent
//     the same bytes points at it, and it is kept raw, not JSON-escaped;
//   - a request header the engine always sends (Content-Type, the
//     User-Agents, the scheme's header names) is one byte, from a fixed
//     table; what differs between attempts (the signature, the timestamp)
//     is kept in full, in binary where its text allows (a base64
//     signature as its bytes, a Unix timestamp as a number); a header
//     value that is what the previous attempt sent (Authorization, the
//     declared headers) is a byte too. What a fault changed (a wrong
//     signature, a dropped header, another content type) is simply what
//     was sent, kept as any other value;
//   - response headers are capped (MaxRecordedHeaderValues, on top of the
//     byte limit) and an HTTP date is its Unix time;
//   - times after the creation time are kept as offsets from it;
//   - the fields a store keeps beside the document as its own columns
//     (ID, WebhookUUID, EventType, EventID, Status) are not repeated in it:
//     the reader passes them back (see RecordColumns).
//
// The first byte is the format's version, recordV1; a JSON document (a
// record written before this format existed) starts with '{', which no
// version byte is.

// recordV1 is the first byte of a version-1 record.
const recordV1 = 0x01

// IsRecord reports whether doc is a compact record (and not JSON).
func IsRecord(doc []byte) bool { return len(doc) > 0 && doc[0] == recordV1 }

// RecordColumns are the fields a compact record leaves to the store's
// columns.
type RecordColumns struct {
	ID, WebhookUUID, EventType, EventID string
	Status                              Status
}

// recordWords is the fixed table of version 1: header names and values
// the engine sends or consumers commonly answer with, and the record's
// usual words. A record refers to an entry by its index, so the table is
// append-only: an entry is never changed, moved or removed (the test pins
// it). A value that is not in it (a User-Agent that changed in a later
// release) is kept literally, and still decodes exactly.
var recordWords = [...]string{
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
	"POST", OutcomeSuccess, OutcomeFailure, OutcomeInterrupted, "circuit-breaker", "exponential",
}

// maxRecordWord is the longest entry: a longer string is never looked up.
const maxRecordWord = 48

var recordWordIndex = func() map[string]uint64 {
	m := make(map[string]uint64, len(recordWords))
	for i, w := range recordWords {
		if len(w) > maxRecordWord {
			panic("wire: record word longer than maxRecordWord: " + w)
		}
		if _, dup := m[w]; dup {
			panic("wire: record word twice: " + w)
		}
		m[w] = uint64(i)
	}
	return m
}()

// A value is a uvarint whose low bits are its kind and whose rest is the
// kind's argument.
const (
	vLit     = iota // arg: length; the bytes follow
	vWord           // arg: index in recordWords
	vPrev           // the value at the same place in the previous attempt
	vB64            // arg: decoded length; the bytes follow (padded standard base64)
	vDec            // arg: the number, written in decimal without leading zeros
	vDate           // arg: Unix seconds, written as http.TimeFormat
	vBody           // the delivery's body
	kindBits = 3
)

// Flags of a delivery.
const (
	dNext = 1 << iota
	dFaults
	dInjected
	dAttempts // Attempts is not nil
	dBody     // a body follows
)

// Flags of an attempt.
const (
	aResponse = 1 << iota
	aSameURL
	aMS // LatencyMS is not ms(Latency); its bits follow
	aBodyTruncated
	aHeadersTruncated
)

// EncodeRecord is the compact record of d, in a slice of its exact size
// (a store keeps it as it is). The bytes are built in a pooled buffer.
func (d *Delivery) EncodeRecord() []byte {
	bp := encodeBufs.Get().(*[]byte)
	b := d.AppendRecord((*bp)[:0])
	out := make([]byte, len(b))
	copy(out, b)
	if cap(b) <= maxPooledEncode {
		*bp = b[:0]
		encodeBufs.Put(bp)
	}
	return out
}

// AppendRecord appends the compact record of d.
func (d *Delivery) AppendRecord(b []byte) []byte {
	e := recEnc{b: append(b, recordV1)}
	var flags uint64
	if d.NextAttemptAt != nil {
		flags |= dNext
	}
	if d.Faults != nil {
		flags |= dFaults
	}
	if d.Injected != nil {
		flags |= dInjected
	}
	if d.Attempts != nil {
		flags |= dAttempts
	}
	// The body kept once: the first attempt's; an attempt that sent other
	// bytes (none does today) keeps its own.
	var body string
	if len(d.Attempts) > 0 {
		flags |= dBody
		body = d.Attempts[0].Request.Body
	}
	e.uvarint(flags)
	e.str(d.URL)
	e.str(d.RetryType)
	e.str(d.Reason)
	e.absTime(d.CreatedAt)
	base := d.CreatedAt
	e.time(base, d.UpdatedAt)
	if d.NextAttemptAt != nil {
		e.time(base, *d.NextAttemptAt)
	}
	if d.Faults != nil {
		e.uvarint(uint64(len(d.Faults)))
		for _, f := range d.Faults {
			e.str(f)
		}
	}
	if d.Injected != nil {
		e.uvarint(uint64(len(d.Injected)))
		for i := range d.Injected {
			f := &d.Injected[i]
			e.str(string(f.Kind))
			e.varint(int64(f.Count))
			e.str(f.Gap)
			e.varint(int64(f.Window))
			e.str(f.Invalid)
			e.str(f.ContentType)
			e.str(f.Expect)
			e.str(f.Detail)
		}
	}
	e.str(d.DuplicateOf)
	e.varint(int64(d.Copy))
	e.str(d.ReplayOf)
	e.varint(int64(d.Sending))
	if flags&dBody != 0 {
		e.lit(body)
	}
	e.uvarint(uint64(len(d.Attempts)))
	for i := range d.Attempts {
		var prev *Attempt
		if i > 0 {
			prev = &d.Attempts[i-1]
		}
		e.attempt(&d.Attempts[i], prev, d.URL, base, body)
	}
	return e.b
}

func (e *recEnc) attempt(a, prev *Attempt, url string, base time.Time, body string) {
	var flags uint64
	if a.Response != nil {
		flags |= aResponse
	}
	if a.Request.URL == url {
		flags |= aSameURL
	}
	if a.LatencyMS != ms(a.Latency) {
		flags |= aMS
	}
	if r := a.Response; r != nil {
		if r.BodyTruncated {
			flags |= aBodyTruncated
		}
		if r.HeadersTruncated {
			flags |= aHeadersTruncated
		}
	}
	e.uvarint(flags)
	e.varint(int64(a.N))
	e.time(base, a.At)
	e.str(a.Request.Method)
	if flags&aSameURL == 0 {
		e.str(a.Request.URL)
	}
	var prevReq, prevResp http.Header
	if prev != nil {
		prevReq = prev.Request.Headers
		if prev.Response != nil {
			prevResp = prev.Response.Headers
		}
	}
	e.header(a.Request.Headers, prevReq)
	if a.Request.Body == body {
		e.uvarint(vBody)
	} else {
		e.lit(a.Request.Body)
	}
	if r := a.Response; r != nil {
		e.varint(int64(r.Status))
		e.header(r.Headers, prevResp)
		e.lit(r.Body)
	}
	e.varint(int64(a.Latency))
	if flags&aMS != 0 {
		e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(a.LatencyMS))
	}
	e.str(a.Error)
	e.str(a.Outcome)
}

type recEnc struct{ b []byte }

func (e *recEnc) uvarint(x uint64) { e.b = binary.AppendUvarint(e.b, x) }
func (e *recEnc) varint(x int64)   { e.b = binary.AppendVarint(e.b, x) }

func (e *recEnc) lit(s string) {
	e.uvarint(uint64(len(s))<<kindBits | vLit)
	e.b = append(e.b, s...)
}

// str is a table word or a literal.
func (e *recEnc) str(s string) {
	if len(s) <= maxRecordWord {
		if i, ok := recordWordIndex[s]; ok {
			e.uvarint(i<<kindBits | vWord)
			return
		}
	}
	e.lit(s)
}

// header writes h: nil, or its entries (names as words or literals, each
// with its values, nil or not). A value is what the previous attempt sent
// at the same place, or in its binary form where its text is canonical.
func (e *recEnc) header(h, prev http.Header) {
	if h == nil {
		e.uvarint(0)
		return
	}
	e.uvarint(uint64(len(h)) + 1)
	for k, vs := range h {
		e.str(k)
		if vs == nil {
			e.uvarint(0)
			continue
		}
		e.uvarint(uint64(len(vs)) + 1)
		pv := prev[k]
		for j, v := range vs {
			if j < len(pv) && pv[j] == v {
				e.uvarint(vPrev)
				continue
			}
			e.value(v)
		}
	}
}

func (e *recEnc) value(v string) {
	if n, ok := canonicalDecimal(v); ok {
		e.uvarint(n<<kindBits | vDec)
		return
	}
	if t, ok := httpDate(v); ok {
		e.uvarint(uint64(t)<<kindBits | vDate)
		return
	}
	var buf [192]byte
	if raw, ok := canonicalBase64(v, &buf); ok {
		e.uvarint(uint64(len(raw))<<kindBits | vB64)
		e.b = append(e.b, raw...)
		return
	}
	e.str(v)
}

// canonicalDecimal reads a number written as strconv writes it; the
// argument's bits bound it.
func canonicalDecimal(v string) (uint64, bool) {
	if len(v) == 0 || len(v) > 18 || len(v) > 1 && v[0] == '0' {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// canonicalBase64 decodes a padded standard-base64 value that encodes back
// to itself (a signature). The decoding is by hand, into a buffer on the
// caller's stack: the library's wants the text as a []byte, a copy.
func canonicalBase64(v string, buf *[192]byte) ([]byte, bool) {
	if len(v) < 16 || len(v) > 256 || len(v)%4 != 0 {
		return nil, false
	}
	n := 0
	for i := 0; i < len(v); i += 4 {
		var q [4]byte
		pad := 0
		for j := range 4 {
			c := v[i+j]
			switch {
			case c == '=' && i+4 == len(v) && j >= 2:
				pad++
			case pad > 0:
				return nil, false
			default:
				x := b64Value[c]
				if x == 0xff {
					return nil, false
				}
				q[j] = x
			}
		}
		w := uint32(q[0])<<18 | uint32(q[1])<<12 | uint32(q[2])<<6 | uint32(q[3])
		out := [3]byte{byte(w >> 16), byte(w >> 8), byte(w)}
		keep := 3 - pad
		// Stray bits under the padding would not encode back.
		if pad == 1 && w&0xff != 0 || pad == 2 && w&0xffff != 0 {
			return nil, false
		}
		n += copy(buf[n:], out[:keep])
	}
	return buf[:n], true
}

var b64Value = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := range len(alphabet) {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// httpDate reads v as http.TimeFormat writes it (and only so: the same
// text must come back), without time.Parse, which makes a zone for "GMT".
func httpDate(v string) (int64, bool) {
	// Mon, 02 Jan 2006 15:04:05 GMT
	if len(v) != len(http.TimeFormat) || v[3] != ',' || v[4] != ' ' || v[7] != ' ' || v[11] != ' ' ||
		v[16] != ' ' || v[19] != ':' || v[22] != ':' || v[25:] != " GMT" {
		return 0, false
	}
	num := func(s string) int {
		n := 0
		for i := range len(s) {
			if s[i] < '0' || s[i] > '9' {
				return -1
			}
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	month := 0
	for i := range 12 {
		if time.Month(i + 1).String()[:3] == v[8:11] {
			month = i + 1
		}
	}
	day, year, hh, mm, ss := num(v[5:7]), num(v[12:16]), num(v[17:19]), num(v[20:22]), num(v[23:25])
	if month == 0 || day < 0 || year < 0 || hh < 0 || mm < 0 || ss < 0 {
		return 0, false
	}
	t := time.Date(year, time.Month(month), day, hh, mm, ss, 0, time.UTC)
	var again [len(http.TimeFormat) + 8]byte
	if string(t.AppendFormat(again[:0], http.TimeFormat)) != v || t.Unix() < 0 {
		return 0, false
	}
	return t.Unix(), true
}

// absTime writes t in full: Unix seconds, nanoseconds and zone offset.
func (e *recEnc) absTime(t time.Time) {
	_, off := t.Zone()
	e.varint(t.Unix())
	e.uvarint(uint64(t.Nanosecond()))
	e.varint(int64(off))
}

// time writes t as an offset from base when that is exact (it is for
// every time of a record but the zero one), else in full.
func (e *recEnc) time(base, t time.Time) {
	_, off := t.Zone()
	if d := t.Sub(base); !t.IsZero() && !base.IsZero() && base.Add(d).Equal(t) && d > math.MinInt64/2 && d < math.MaxInt64/2 {
		// Low bit 0: an offset (doubled, so the bit is free), then the zone.
		e.varint(int64(d) * 2)
		e.varint(int64(off))
		return
	}
	e.varint(1) // low bit 1: in full
	e.absTime(t)
}

// DecodeRecord reads a compact record into d, with the columns the store
// kept beside it. A document that is not one, or is cut short, is an
// error, never a panic.
func DecodeRecord(doc []byte, cols RecordColumns, d *Delivery) error {
	if !IsRecord(doc) {
		return errors.New("not a compact delivery record")
	}
	r := recDec{b: doc, off: 1}
	*d = Delivery{ID: cols.ID, WebhookUUID: cols.WebhookUUID, EventType: cols.EventType, EventID: cols.EventID, Status: cols.Status}
	flags := r.uvarint()
	d.URL = r.str()
	d.RetryType = r.str()
	d.Reason = r.str()
	d.CreatedAt = r.absTime()
	base := d.CreatedAt
	d.UpdatedAt = r.time(base)
	if flags&dNext != 0 {
		t := r.time(base)
		d.NextAttemptAt = &t
	}
	if flags&dFaults != 0 {
		n := r.count(1)
		d.Faults = make([]string, n)
		for i := range d.Faults {
			d.Faults[i] = r.str()
		}
	}
	if flags&dInjected != 0 {
		n := r.count(8)
		d.Injected = make([]AppliedFault, n)
		for i := range d.Injected {
			f := &d.Injected[i]
			f.Kind = FaultKind(r.str())
			f.Count = r.int()
			f.Gap = r.str()
			f.Window = r.int()
			f.Invalid = r.str()
			f.ContentType = r.str()
			f.Expect = r.str()
			f.Detail = r.str()
		}
	}
	d.DuplicateOf = r.str()
	d.Copy = r.int()
	d.ReplayOf = r.str()
	d.Sending = r.int()
	var body string
	if flags&dBody != 0 {
		body = r.str()
	}
	n := r.count(8)
	if flags&dAttempts != 0 {
		d.Attempts = make([]Attempt, n)
	}
	for i := 0; i < n && r.err == nil; i++ {
		if d.Attempts == nil {
			r.fail("attempts in a record without them")
			break
		}
		var prev *Attempt
		if i > 0 {
			prev = &d.Attempts[i-1]
		}
		r.attempt(&d.Attempts[i], prev, d.URL, base, body)
	}
	if r.err == nil && r.off != len(r.b) {
		r.fail("%d bytes after the record", len(r.b)-r.off)
	}
	if r.err != nil {
		return fmt.Errorf("delivery record: %w", r.err)
	}
	return nil
}

func (r *recDec) attempt(a, prev *Attempt, url string, base time.Time, body string) {
	flags := r.uvarint()
	a.N = r.int()
	a.At = r.time(base)
	a.Request.Method = r.str()
	a.Request.URL = url
	if flags&aSameURL == 0 {
		a.Request.URL = r.str()
	}
	var prevReq, prevResp http.Header
	if prev != nil {
		prevReq = prev.Request.Headers
		if prev.Response != nil {
			prevResp = prev.Response.Headers
		}
	}
	a.Request.Headers = r.header(prevReq)
	a.Request.Body = r.valueOr(nil, body)
	if flags&aResponse != 0 {
		resp := &GotResponse{BodyTruncated: flags&aBodyTruncated != 0, HeadersTruncated: flags&aHeadersTruncated != 0}
		resp.Status = r.int()
		resp.Headers = r.header(prevResp)
		resp.Body = r.str()
		a.Response = resp
	}
	a.Latency = time.Duration(r.varint())
	a.LatencyMS = ms(a.Latency)
	if flags&aMS != 0 {
		if r.need(8) {
			a.LatencyMS = math.Float64frombits(binary.LittleEndian.Uint64(r.b[r.off:]))
			r.off += 8
		}
	}
	a.Error = r.str()
	a.Outcome = r.str()
}

type recDec struct {
	b   []byte
	off int
	err error
}

func (r *recDec) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("at byte %d: "+format, append([]any{r.off}, args...)...)
	}
}

func (r *recDec) need(n int) bool {
	if r.err != nil {
		return false
	}
	if n < 0 || n > len(r.b)-r.off {
		r.fail("cut short (%d bytes wanted, %d left)", n, len(r.b)-r.off)
		return false
	}
	return true
}

func (r *recDec) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	x, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad number")
		return 0
	}
	r.off += n
	return x
}

// varint is binary.Varint's zig-zag decoding of a uvarint.
func (r *recDec) varint() int64 {
	ux := r.uvarint()
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x
}

func (r *recDec) int() int {
	x := r.varint()
	if int64(int(x)) != x {
		r.fail("number out of range")
		return 0
	}
	return int(x)
}

// count reads a length whose items take at least min bytes each, so that a
// corrupt count cannot make a huge slice.
func (r *recDec) count(min int) int {
	n := r.uvarint()
	if r.err == nil && n > uint64(len(r.b)-r.off)/uint64(min) {
		r.fail("count %d past the record's end", n)
		return 0
	}
	return int(n)
}

func (r *recDec) str() string { return r.valueOr(nil, "") }

// valueOr reads a value; prev is the value at the same place in the
// previous attempt (nil: none), body the delivery's body.
func (r *recDec) valueOr(prev *string, body string) string {
	x := r.uvarint()
	if r.err != nil {
		return ""
	}
	arg := x >> kindBits
	switch x & (1<<kindBits - 1) {
	case vLit:
		if !r.need(int(min(arg, math.MaxInt32))) {
			return ""
		}
		s := string(r.b[r.off : r.off+int(arg)])
		r.off += int(arg)
		return s
	case vWord:
		if arg >= uint64(len(recordWords)) {
			r.fail("word %d not in the table", arg)
			return ""
		}
		return recordWords[arg]
	case vPrev:
		if prev == nil {
			r.fail("a value of the previous attempt where there is none")
			return ""
		}
		return *prev
	case vB64:
		if !r.need(int(min(arg, math.MaxInt32))) {
			return ""
		}
		s := base64.StdEncoding.EncodeToString(r.b[r.off : r.off+int(arg)])
		r.off += int(arg)
		return s
	case vDec:
		return strconv.FormatUint(arg, 10)
	case vDate:
		if arg > math.MaxInt64 {
			r.fail("bad date")
			return ""
		}
		return time.Unix(int64(arg), 0).UTC().Format(http.TimeFormat)
	case vBody:
		return body
	}
	r.fail("unknown value kind %d", x&(1<<kindBits-1))
	return ""
}

func (r *recDec) header(prev http.Header) http.Header {
	n := r.uvarint()
	if n == 0 || r.err != nil {
		return nil
	}
	n--
	if n > uint64(len(r.b)-r.off)/2 {
		r.fail("header count %d past the record's end", n)
		return nil
	}
	h := make(http.Header, n)
	for range n {
		k := r.str()
		m := r.uvarint()
		if r.err != nil {
			return nil
		}
		if m == 0 {
			h[k] = nil
			continue
		}
		m--
		if m > uint64(len(r.b)-r.off) {
			r.fail("value count %d past the record's end", m)
			return nil
		}
		vs := make([]string, m)
		pv := prev[k]
		for j := range vs {
			var p *string
			if j < len(pv) {
				p = &pv[j]
			}
			vs[j] = r.valueOr(p, "")
		}
		h[k] = vs
	}
	return h
}

func (r *recDec) absTime() time.Time {
	sec := r.varint()
	nsec := r.uvarint()
	off := r.varint()
	if r.err != nil {
		return time.Time{}
	}
	if nsec >= 1e9 || off <= -1<<31 || off >= 1<<31 {
		r.fail("bad time")
		return time.Time{}
	}
	return inZone(time.Unix(sec, int64(nsec)), int(off))
}

func (r *recDec) time(base time.Time) time.Time {
	x := r.varint()
	if r.err != nil {
		return time.Time{}
	}
	if x&1 != 0 {
		return r.absTime()
	}
	off := r.varint()
	if r.err != nil {
		return time.Time{}
	}
	if off <= -1<<31 || off >= 1<<31 {
		r.fail("bad time")
		return time.Time{}
	}
	return inZone(base.Add(time.Duration(x/2)), int(off))
}

// inZone places t at a zone offset as decoding its RFC 3339 text would:
// UTC for offset 0, the local zone where that is its offset, else a fixed
// zone.
func inZone(t time.Time, off int) time.Time {
	if off == 0 {
		return t.UTC()
	}
	if _, loff := t.In(time.Local).Zone(); loff == off {
		return t.In(time.Local)
	}
	return t.In(time.FixedZone("", off))
}
