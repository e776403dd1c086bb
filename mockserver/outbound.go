package mockserver

import (
	"context"
	"net/http"

	"github.com/hookmock/hookmock/mockserver/wire"
)

// newTransport is the pooled transport for probes and deliveries: the
// outbound policy on every dial, the trust settings, and the response
// header limit.
func (o Options) newTransport() (*http.Transport, error) {
	return wire.NewTransport(wire.TransportOptions{Policy: o.Outbound, CAFile: o.CAFile, InsecureSkipVerify: o.InsecureSkipVerify,
		MaxResponseHeaderBytes: o.MaxResponseHeaderBytes, MaxIdleConns: o.Workers * 2})
}

// checkOutbound refuses a webhook URL the outbound policy denies, before
// any request is made, so that the caller gets a 400 naming the policy.
// The dialler checks again at every connection.
func (p *Provider) checkOutbound(ctx context.Context, rawURL string) error {
	if err := p.opts.Outbound.CheckURL(ctx, rawURL); err != nil {
		return badRequest("url", "%v", err)
	}
	return nil
}
