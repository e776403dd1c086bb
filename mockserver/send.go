package mockserver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/hookmock/hookmock/mockserver/signing"
)

// Target is where and how a delivery is sent.
type Target struct {
	URL string
	// Scheme and Secret sign the delivery; an empty Secret sends it unsigned.
	Scheme    signing.Scheme
	Secret    string
	BasicAuth string
}

// wireFaults are the ways one attempt deviates from a clean send. They
// apply to every attempt of a delivery: the message itself is faulty, and
// a consumer should reject it each time.
type wireFaults struct {
	signature   FaultKind // "", FaultBadSignature or FaultMissingSignature
	tsShift     time.Duration
	contentType string
	drip        time.Duration
	pieces      int
}

func newWireFaults(fs []Fault) wireFaults {
	var w wireFaults
	for _, f := range fs {
		switch f.Kind {
		case FaultBadSignature, FaultMissingSignature:
			w.signature = f.Kind
		case FaultStaleTimestamp:
			w.tsShift = -f.Gap
		case FaultFutureTimestamp:
			w.tsShift = f.Gap
		case FaultContentType:
			w.contentType = f.ContentType
		case FaultSlowSend:
			w.drip, w.pieces = f.Gap, f.Count
		}
	}
	return w
}

// Send makes one signed POST of body to t and records the exchange. The
// body bytes are the signed bytes. The outcome is left as failure unless
// the status is 200; callers with other success rules re-judge it.
func Send(ctx context.Context, client *http.Client, t Target, msgID string, body []byte, at time.Time, timeout time.Duration, bodyLimit int) Attempt {
	return sendWire(ctx, client, t, msgID, body, at, timeout, bodyLimit, wireFaults{})
}

// SendFaults is Send with faults, for one-shot senders without a provider.
// Faults that change the bytes or the headers (truncated, malformed,
// signatures, timestamps, content type, slow send) are applied; faults
// about when and how often a delivery happens (duplicate, reorder, delay,
// drop-first) are the caller's to schedule, and schema-violation happens
// at generation. It also returns what was applied, for the caller's log.
func SendFaults(ctx context.Context, client *http.Client, t Target, msgID string, body []byte, at time.Time, timeout time.Duration, bodyLimit int, faults []Fault) (Attempt, []AppliedFault, error) {
	fp := &faultPlan{}
	for i, f := range faults {
		if err := f.Validate(); err != nil {
			return Attempt{}, nil, fmt.Errorf("faults[%d]: %w", i, err)
		}
		fp.set(f.Defaults(0))
	}
	wire := fp.finish(body, nil)
	return sendWire(ctx, client, t, msgID, wire, at, timeout, bodyLimit, fp.wire), fp.applied, nil
}

func sendWire(ctx context.Context, client *http.Client, t Target, msgID string, body []byte, at time.Time, timeout time.Duration, bodyLimit int, w wireFaults) Attempt {
	att := Attempt{N: 1, At: at, Outcome: outcomeFailure}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
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
	req.Header.Set("User-Agent", userAgent)
	if t.BasicAuth != "" {
		req.Header.Set("Authorization", "Basic "+t.BasicAuth)
	}
	if err := sign(req.Header, t, w, msgID, at, body); err != nil {
		att.Error = "cannot sign: " + err.Error()
		return att
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
			att.Error = fmt.Sprintf("no response within %s", timeout)
		}
		return att
	}
	rbody, truncated, rerr := readLimited(resp.Body, bodyLimit)
	resp.Body.Close()
	att.Latency = time.Since(start)
	att.LatencyMS = ms(att.Latency)
	att.Response = &GotResponse{Status: resp.StatusCode, Headers: resp.Header, Body: string(rbody), BodyTruncated: truncated}
	if rerr != nil {
		att.Error = "reading the response: " + rerr.Error()
	}
	if resp.StatusCode == http.StatusOK {
		att.Outcome = outcomeSuccess
	}
	return att
}

// sign sets the signature headers, or the faulty ones the attempt asks for.
func sign(h http.Header, t Target, w wireFaults, msgID string, at time.Time, body []byte) error {
	secret := t.Secret
	if w.signature == FaultBadSignature {
		// A well-formed signature under a key the consumer does not have.
		sum := sha256.Sum256([]byte("hookmock bad-signature:" + t.Secret))
		secret = base64.StdEncoding.EncodeToString(sum[:])
		if t.Scheme == signing.Standard {
			secret = "whsec_" + secret
		}
	}
	if secret == "" {
		return nil
	}
	s, err := signing.New(t.Scheme, secret)
	if err != nil {
		return err
	}
	s.Sign(h, msgID, at.Add(w.tsShift), body)
	if w.signature == FaultMissingSignature {
		for _, k := range []string{signing.DailySignatureHeader, signing.DailyTimestampHeader, signing.StandardSignatureHeader, signing.StandardTimestampHeader} {
			h.Del(k)
		}
	}
	return nil
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
