package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
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
	return &http.Client{
		Transport:     t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// RedirectNotSuccess is what senders say of a 3xx answer.
const RedirectNotSuccess = "a redirect is not a success: hookmock, like Daily, does not follow it"

// IsRedirect reports whether status asks the client to go elsewhere,
// which NewClient never does.
func IsRedirect(status int) bool { return status >= 300 && status < 400 }

// Send makes one signed POST of r to t and records the exchange. The
// outcome is left as failure unless the status is 200; callers with other
// success rules re-judge it.
func Send(ctx context.Context, client *http.Client, t Target, r Request) Attempt {
	att := Attempt{N: 1, At: r.At, Outcome: OutcomeFailure}
	ctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	w := r.Effects
	body := r.Body
	var rd io.Reader = bytes.NewReader(body)
	if w.drip > 0 && len(body) > 0 {
		rd = newDrip(ctx, body, w.pieces, w.drip)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, rd)
	if err != nil {
		att.Error = err.Error()
		return att
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/json")
	if w.contentType != "" {
		req.Header.Set("Content-Type", w.contentType)
	}
	ua := signing.UserAgent(t.Scheme)
	if ua == "" {
		ua = UserAgent
	}
	req.Header.Set("User-Agent", ua)
	for k, vs := range r.Header {
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	if t.BasicAuth != "" {
		req.Header.Set("Authorization", "Basic "+t.BasicAuth)
	}
	if err := sign(req.Header, t, w, r.MsgID, r.At, body); err != nil {
		att.Error = "cannot sign: " + err.Error()
		return att
	}
	for k, vs := range t.Header {
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	// The header map is recorded as sent, not cloned: neither the client
	// nor the transport writes to a request's headers.
	att.Request = SentRequest{Method: req.Method, URL: t.URL, Headers: req.Header, Body: string(body)}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		att.Latency = time.Since(start)
		att.LatencyMS = ms(att.Latency)
		att.Error = err.Error()
		if errors.Is(err, context.DeadlineExceeded) {
			att.Error = fmt.Sprintf("no response within %s", r.Timeout)
		}
		return att
	}
	rbody, truncated, rerr := readLimited(resp.Body, r.BodyLimit)
	resp.Body.Close()
	att.Latency = time.Since(start)
	att.LatencyMS = ms(att.Latency)
	headers, htrunc := capHeaders(resp.Header, r.HeaderLimit)
	att.Response = &GotResponse{Status: resp.StatusCode, Headers: headers, Body: string(rbody), BodyTruncated: truncated, HeadersTruncated: htrunc}
	if rerr != nil {
		att.Error = "reading the response: " + rerr.Error()
	}
	if resp.StatusCode == http.StatusOK {
		att.Outcome = OutcomeSuccess
	}
	return att
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

// sign sets the signature headers, or the faulty ones the attempt asks for.
func sign(h http.Header, t Target, w Effects, msgID string, at time.Time, body []byte) error {
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
	s.Sign(h, msgID, at.Add(w.tsShift), body)
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
// huge body cannot hold a worker.
func readLimited(r io.Reader, limit int) ([]byte, bool, error) {
	buf, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	truncated := len(buf) > limit
	if truncated {
		buf = buf[:limit]
		_, _ = io.Copy(io.Discard, io.LimitReader(r, 1<<20))
	}
	return buf, truncated, err
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
