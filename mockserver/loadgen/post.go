package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
)

// maxDrain is how much of an answer's body a plain send reads, so that the
// connection can be reused; a longer answer is cut and its connection
// closed. A load run keeps only the status.
const maxDrain = 64 << 10

// poster makes the plain sends of a run (no faults: every tick of an
// event run). It is wire.Send cut to what a load run needs, with the
// request's fixed parts built once: the URL parsed once instead of per
// request (a tenth of the send path's CPU in a profile at 10,000/s), the
// fixed headers copied rather than set, and nothing of the exchange kept
// but the status. It goes straight to the client's transport: http.Client
// would copy every request's headers and URL for redirects it must not
// follow anyway (a redirect is an answer, as with wire's client), a sixth
// of a send's garbage. Scenario steps with faults still go through
// wire.SendFaults and the client.
type poster struct {
	rt      http.RoundTripper
	url     *url.URL
	timeout time.Duration
	signer  *signing.Signer
	// fixed is set before signing; after (Target.Header) after it, and
	// replaces what signing set, as wire.Send does.
	fixed, after http.Header
}

func newPoster(cfg Config) (*poster, error) {
	u, err := url.Parse(cfg.Target.URL)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("target %q: want an absolute http(s) URL", cfg.Target.URL)
	}
	ua := signing.UserAgent(cfg.Target.Scheme)
	if ua == "" {
		ua = wire.UserAgent
	}
	fixed := http.Header{"Content-Type": {"application/json"}, "User-Agent": {ua}}
	if cfg.Target.BasicAuth != "" {
		fixed["Authorization"] = []string{"Basic " + cfg.Target.BasicAuth}
	}
	after := http.Header{}
	for k, vs := range cfg.Target.Header {
		after[http.CanonicalHeaderKey(k)] = vs
	}
	rt := cfg.Client.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	p := &poster{rt: rt, url: u, timeout: cfg.Timeout, fixed: fixed, after: after}
	if cfg.Target.Secret != "" {
		p.signer = cfg.Target.Signer
	}
	return p, nil
}

// post sends body, signed now, and returns the answer's status; an error
// with a status is one reading the answer, which the status judges.
func (p *poster) post(ctx context.Context, id string, body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	h := make(http.Header, len(p.fixed)+len(p.after)+2)
	for k, vs := range p.fixed {
		h[k] = vs
	}
	if p.signer != nil {
		p.signer.Sign(h, id, time.Now(), body)
	}
	for k, vs := range p.after {
		h[k] = vs
	}
	// The URL is shared by every request of the run: the transport does
	// not write to it.
	req := (&http.Request{
		Method: http.MethodPost, URL: p.url, Host: p.url.Host, Header: h,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
		// GetBody lets the transport resend on a keep-alive connection
		// the consumer closed as the request went out.
		GetBody: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil },
	}).WithContext(ctx)
	resp, err := p.rt.RoundTrip(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, fmt.Errorf("no response within %s", p.timeout)
		}
		// In the client's words, which errorClass shortens.
		return 0, &url.Error{Op: "Post", URL: p.url.String(), Err: err}
	}
	_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	resp.Body.Close()
	if err != nil {
		return resp.StatusCode, fmt.Errorf("reading the response: %w", err)
	}
	return resp.StatusCode, nil
}
