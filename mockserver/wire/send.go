package wire

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hookmock/hookmock/signing"
)

// UserAgent is what every hookmock sender calls itself.
const UserAgent = "hookmock (Daily webhook mock)"

// ProbeBody is the verification request Daily sends before it creates or
// updates a webhook.
var ProbeBody = []byte(`{"test":"test"}`)

// Target is where and how a delivery is sent.
type Target struct {
	URL string
	// Scheme and Secret sign the delivery; an empty Secret sends it unsigned.
	Scheme    signing.Scheme
	Secret    string
	BasicAuth string
	// Params configure the scheme (the generic hmac one needs them).
	Params *signing.Params
	// Signer, when set, is the signer of Scheme, Params and Secret made
	// once (the provider keeps one per webhook); nil makes one per request.
	Signer *signing.Signer
	// Header is set after signing and replaces what signing set: the
	// verifier's diagnosis sends deliberately mis-signed variants this way.
	Header http.Header
}

// Request is one POST to a target.
type Request struct {
	// MsgID is the message id the signature covers (Standard Webhooks'
	// webhook-id); usually the event's envelope id.
	MsgID string
	// Body is the bytes sent, and the bytes signed.
	Body []byte
	// Header holds the delivery's declared headers (and a User-Agent of
	// its own, if any), set before signing: what the scheme writes is
	// the scheme's.
	Header http.Header
	// At is the signing time, before any timestamp fault moves it.
	At time.Time
	// Timeout bounds the whole exchange, reading the response included.
	Timeout time.Duration
	// BodyLimit is how many bytes of the response are kept.
	BodyLimit int
	// HeaderLimit is how many bytes of the response headers are kept
	// (names and values; default DefaultHeaderLimit).
	HeaderLimit int
	// Effects are the per-attempt faults (see Plan.Effects); the zero
	// value sends cleanly.
	Effects Effects
	// BodyText, when set, is Body as a string the caller already keeps
	// (a delivery's stored body): the record shares it rather than copying
	// Body on every attempt. It must hold the same bytes as Body.
	BodyText string
}

// NewClient returns the client every hookmock sender uses: it never
// follows a redirect, since a redirect is an answer and not a success
// (Daily does not follow them as far as anyone knows). A nil transport
// means NewTransport's defaults (the default outbound policy).
func NewClient(t http.RoundTripper) *http.Client {
	if t == nil {
		// The default policy, trust and header limit cannot fail to build.
		t, _ = NewTransport(TransportOptions{})
	}
	return &http.Client{Transport: t, CheckRedirect: noRedirect}
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// do is client.Do. For a client as NewClient makes it (no cookie jar, no
// client timeout, no redirect followed) and a URL without credentials,
// it calls the transport itself and does what Client.Do would have done
// around it: wrap an error as *url.Error, and fail a redirect whose
// Location does not parse. Client.Do would also clone the headers, for
// the redirect it never follows, on every request.
func do(client *http.Client, req *http.Request) (*http.Response, error) {
	if client.Jar != nil || client.Timeout != 0 || req.URL.User != nil || client.CheckRedirect == nil ||
		reflect.ValueOf(client.CheckRedirect).Pointer() != noRedirectPC {
		return client.Do(req)
	}
	rt := client.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	uerr := func(err error) error {
		return &url.Error{Op: req.Method[:1] + strings.ToLower(req.Method[1:]), URL: req.URL.String(), Err: err}
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		if re, ok := err.(tls.RecordHeaderError); ok && string(re.RecordHeader[:]) == "HTTP/" {
			err = http.ErrSchemeMismatch
		}
		return nil, uerr(err)
	}
	if resp.Body == nil {
		resp.Body = http.NoBody
	}
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		// A 307 or 308 whose body cannot be sent again is not a redirect
		// to Client.Do; every other one has its Location parsed first.
		if (resp.StatusCode == http.StatusTemporaryRedirect || resp.StatusCode == http.StatusPermanentRedirect) && req.GetBody == nil && req.Body != nil && req.Body != http.NoBody {
			break
		}
		if loc := resp.Header.Get("Location"); loc != "" {
			if _, err := req.URL.Parse(loc); err != nil {
				resp.Body.Close()
				return nil, uerr(fmt.Errorf("failed to parse Location header %q: %v", loc, err))
			}
		}
	}
	return resp, nil
}

var noRedirectPC = reflect.ValueOf(noRedirect).Pointer()

// RedirectNotSuccess is what senders say of a 3xx answer.
const RedirectNotSuccess = "a redirect is not a success: hookmock, like Daily, does not follow it"

// IsRedirect reports whether status asks the client to go elsewhere,
// which NewClient never does.
func IsRedirect(status int) bool { return status >= 300 && status < 400 }

// Send makes one signed POST of r to t and records the exchange. The
// outcome is left as failure unless the status is 200; callers with other
// success rules re-judge it.
//
// An attempt allocates little of its own: the request is a copy of one
// made per URL, the headers are one map sized for what is set and one
// array of values, and the response is read into a pooled buffer. What the record keeps (the
// header map, the body and the answer) is the attempt's own.
func Send(ctx context.Context, client *http.Client, t Target, r Request) Attempt {
	att := Attempt{N: 1, At: r.At, Outcome: OutcomeFailure}
	tmpl, err := requestFor(t.URL)
	if err != nil {
		att.Error = err.Error()
		return att
	}
	ctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	w := r.Effects
	body := r.Body
	req := tmpl.WithContext(ctx)
	req.ContentLength = int64(len(body))
	switch {
	case w.drip > 0 && len(body) > 0:
		// Not rewindable: a drip that broke off is not re-sent by the
		// transport, as before.
		req.Body = io.NopCloser(newDrip(ctx, body, w.pieces, w.drip))
	case len(body) == 0:
		req.Body, req.GetBody = http.NoBody, noBody
	default:
		// A bytes.Reader, as http.NewRequest makes: the transport knows it
		// is in memory and writes headers and body in one go.
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	ua := signing.UserAgent(t.Scheme)
	if ua == "" {
		ua = UserAgent
	}
	ct := "application/json"
	if w.contentType != "" {
		ct = w.contentType
	}
	// One array holds the values Send and the signer set; each header's
	// slice is capped at its one value, so that appending to one never
	// writes the next.
	vals := make([]string, 2, 3+maxSignatureHeaders)
	vals[0], vals[1] = ct, ua
	// Room for the signature headers (at most three) and Authorization;
	// a map of up to 8 is one allocation, a larger one at least two.
	h := make(http.Header, min(8, 2+len(r.Header)+3+1+len(t.Header)))
	h["Content-Type"], h["User-Agent"] = vals[0:1:1], vals[1:2:2]
	for k, vs := range r.Header {
		h[http.CanonicalHeaderKey(k)] = vs
	}
	if t.BasicAuth != "" {
		vals = append(vals, "Basic "+t.BasicAuth)
		h["Authorization"] = vals[2:3:3]
	}
	if err := sign(h, vals, t, w, r.MsgID, r.At, body); err != nil {
		att.Error = "cannot sign: " + err.Error()
		return att
	}
	for k, vs := range t.Header {
		h[http.CanonicalHeaderKey(k)] = vs
	}
	req.Header = h
	// The header map is recorded as sent, not cloned: neither the client
	// nor the transport writes to a request's headers.
	att.Request = SentRequest{Method: req.Method, URL: t.URL, Headers: h, Body: r.bodyText()}
	start := time.Now()
	resp, err := do(client, req)
	if err != nil {
		att.Latency = time.Since(start)
		att.LatencyMS = ms(att.Latency)
		att.Error = err.Error()
		if errors.Is(err, context.DeadlineExceeded) {
			att.Error = "no response within " + r.Timeout.String()
		}
		return att
	}
	rbody, truncated, rerr := readLimited(resp.Body, r.BodyLimit)
	resp.Body.Close()
	att.Latency = time.Since(start)
	att.LatencyMS = ms(att.Latency)
	headers, htrunc := capHeaders(resp.Header, r.HeaderLimit)
	headers, vtrunc := capHeaderValues(headers)
	htrunc = htrunc || vtrunc
	att.Response = &GotResponse{Status: resp.StatusCode, Headers: headers, Body: rbody, BodyTruncated: truncated, HeadersTruncated: htrunc}
	if rerr != nil {
		att.Error = "reading the response: " + rerr.Error()
	}
	if resp.StatusCode == http.StatusOK {
		att.Outcome = OutcomeSuccess
	}
	return att
}

// bodyText is the body as the record keeps it.
func (r *Request) bodyText() string {
	if r.BodyText != "" && len(r.BodyText) == len(r.Body) {
		return r.BodyText
	}
	return string(r.Body)
}

func noBody() (io.ReadCloser, error) { return http.NoBody, nil }

// requests caches one prepared request per target URL (method, parsed
// URL, protocol and host), which every attempt to it copies: parsing the
// URL again is most of what building a request costs. The cache is
// bounded by starting over when full.
var requests struct {
	sync.RWMutex
	m map[string]*http.Request
}

const maxCachedRequests = 4096

// requestFor is the prepared request for url, or the error
// http.NewRequest gives for it.
func requestFor(url string) (*http.Request, error) {
	requests.RLock()
	req, ok := requests.m[url]
	requests.RUnlock()
	if ok {
		return req, nil
	}
	req, err := http.NewRequest(http.MethodPost, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header = nil // each attempt sets its own
	if req.Host == req.URL.Host {
		// The request line's host is the URL's either way; an empty Host
		// spares the client a copy of the URL on every request.
		req.Host = ""
	}
	requests.Lock()
	if requests.m == nil || len(requests.m) >= maxCachedRequests {
		requests.m = map[string]*http.Request{}
	}
	requests.m[url] = req
	requests.Unlock()
	return req, nil
}

// SendFaults is Send with faults, for one-shot senders without a provider.
// Faults that change the bytes or the headers (truncated, malformed,
// signatures, timestamps, content type, slow send) are applied; faults
// about when and how often a delivery happens (duplicate, reorder, delay,
// drop-first) are the caller's to schedule, and schema-violation happens
// at generation. It also returns what was applied, for the caller's log.
// r.Effects is ignored: the faults decide them.
func SendFaults(ctx context.Context, client *http.Client, t Target, r Request, faults []Fault) (Attempt, []AppliedFault, error) {
	p := &Plan{}
	for i, f := range faults {
		if err := f.Validate(); err != nil {
			return Attempt{}, nil, fmt.Errorf("faults[%d]: %w", i, err)
		}
		p.Set(f.Defaults(0))
	}
	r.Body = p.Finish(r.Body)
	r.Effects = p.Effects()
	return Send(ctx, client, t, r), p.Applied, nil
}

// maxSignatureHeaders is the most headers a signer sets (Standard
// Webhooks' three); Send makes room for them in its values' array.
const maxSignatureHeaders = 3

// sign sets the signature headers, or the faulty ones the attempt asks
// for; their values go in vals' room when it has enough.
func sign(h http.Header, vals []string, t Target, w Effects, msgID string, at time.Time, body []byte) error {
	secret := t.Secret
	if w.signature == FaultBadSignature {
		// A well-formed signature under a key the consumer does not have.
		secret = signing.ForeignSecret(t.Scheme, t.Secret)
	}
	if secret == "" {
		return nil
	}
	s := t.Signer
	if s == nil || w.signature == FaultBadSignature {
		var err error
		if s, err = signing.NewWith(t.Scheme, t.Params, secret); err != nil {
			return err
		}
	}
	s.SignAppend(h, vals, msgID, at.Add(w.tsShift), body)
	if w.signature == FaultMissingSignature {
		for _, k := range s.Headers() {
			h.Del(k)
		}
	}
	return nil
}

// EventID reads the envelope `id` of an event; events of specs without an
// `id`, and bytes that are not a JSON object, get "".
func EventID(raw []byte) string {
	var env struct {
		ID any `json:"id"`
	}
	if json.Unmarshal(raw, &env) != nil {
		return ""
	}
	id, _ := env.ID.(string)
	return id
}

// drip hands the body out in pieces with real-time pauses before each, so
// the consumer sees the headers at once and the body trickle in. The pause
// is real time even under a virtual clock: it is about the wire.
type drip struct {
	ctx   context.Context
	body  []byte
	piece int
	pause time.Duration
	off   int
	// midPiece is set when a short read left part of a piece unsent.
	midPiece bool
}

func newDrip(ctx context.Context, body []byte, pieces int, total time.Duration) *drip {
	pieces = max(1, min(pieces, len(body)))
	return &drip{ctx: ctx, body: body, piece: (len(body) + pieces - 1) / pieces, pause: total / time.Duration(pieces)}
}

func (d *drip) Read(p []byte) (int, error) {
	if d.off >= len(d.body) {
		return 0, io.EOF
	}
	if !d.midPiece {
		t := time.NewTimer(d.pause)
		select {
		case <-t.C:
		case <-d.ctx.Done():
			t.Stop()
			return 0, d.ctx.Err()
		}
	}
	n := copy(p, d.body[d.off:min(len(d.body), d.off+d.piece-d.partial())])
	d.off += n
	d.midPiece = d.partial() != 0
	return n, nil
}

func (d *drip) partial() int { return d.off % d.piece }

// readLimited keeps the first limit bytes of a response and drains a
// bounded amount more, so that keep-alive survives ordinary responses and a
// huge body cannot hold a worker. It reads into a pooled buffer: only the
// kept text is allocated.
func readLimited(r io.Reader, limit int) (string, bool, error) {
	bp := readBufs.Get().(*[]byte)
	buf := (*bp)[:0]
	var err error
	for len(buf) <= limit {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(max(2*cap(buf), 512), limit+1)-len(buf))
		}
		var n int
		n, err = r.Read(buf[len(buf):min(cap(buf), limit+1)])
		buf = buf[:len(buf)+n]
		if err != nil {
			break
		}
	}
	if err == io.EOF {
		err = nil
	}
	truncated := len(buf) > limit
	if truncated {
		buf = buf[:limit]
		_, _ = io.Copy(io.Discard, io.LimitReader(r, 1<<20))
	}
	text := string(buf)
	if cap(buf) <= maxPooledRead {
		*bp = buf
		readBufs.Put(bp)
	}
	return text, truncated, err
}

// readBufs are response buffers; one that grew past maxPooledRead (a
// large configured body limit) is left to the collector.
var readBufs = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

const maxPooledRead = 64 << 10

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
