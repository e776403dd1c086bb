package engine

import (
	"sync"

	"github.com/hookmock/hookmock/signing"
)

// signers keeps one signer per webhook, so that a delivery's attempts do
// not decode the webhook's secret again each time. An entry is made on the
// first delivery after the webhook is created or its secret or scheme
// change (another replica may change them in the store), and the cache is
// bounded by the number of webhooks.
type signers struct {
	mu sync.Mutex
	m  map[string]cachedSigner
}

type cachedSigner struct {
	scheme signing.Scheme
	secret string
	s      *signing.Signer
}

// maxCachedSigners bounds the cache; past it, it starts over.
const maxCachedSigners = 4096

// of returns the signer of hook under params, or nil when its secret does
// not make one (wire.Send then reports why, per attempt).
func (c *signers) of(hook Webhook, params *signing.Params) *signing.Signer {
	if hook.HMAC == "" {
		return nil
	}
	c.mu.Lock()
	e, ok := c.m[hook.UUID]
	c.mu.Unlock()
	if ok && e.scheme == hook.Signing && e.secret == hook.HMAC {
		return e.s
	}
	s, err := signing.NewWith(hook.Signing, params, hook.HMAC)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedSigners {
		c.m = map[string]cachedSigner{}
	}
	c.m[hook.UUID] = cachedSigner{scheme: hook.Signing, secret: hook.HMAC, s: s}
	c.mu.Unlock()
	return s
}
