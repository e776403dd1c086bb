package mockserver

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"strings"
)

// The auth model: without an API key every route is open (any bearer
// token passes /v1/*, as a local mock should), and the default bind is
// loopback. With an API key every route, /v1/* and /_mock/* alike, wants
// "Authorization: Bearer <key>"; only GET /_mock/health answers without
// it, and then shows nothing that could help recompute a secret.

// healthPath answers without the key, so that orchestrators can probe it.
const healthPath = "/_mock/health"

// guard puts the API key in front of every route.
func (p *Provider) guard(next http.Handler) http.Handler {
	if p.opts.APIKey == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == healthPath || p.keyValid(r) {
			next.ServeHTTP(w, r)
			return
		}
		writeError(w, unauthorized(r))
	})
}

// keyValid reports whether the request carries the API key, or whether no
// key is set. Both sides are hashed first, so the comparison takes the same
// time whatever the length or content of the token.
func (p *Provider) keyValid(r *http.Request) bool {
	if p.opts.APIKey == "" {
		return true
	}
	token, ok := bearer(r)
	if !ok {
		return false
	}
	got, want := sha256.Sum256([]byte(token)), sha256.Sum256([]byte(p.opts.APIKey))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

func bearer(r *http.Request) (string, bool) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	token = strings.TrimSpace(token)
	return token, ok && token != ""
}

func unauthorized(r *http.Request) *apiError {
	if _, ok := bearer(r); !ok {
		return &apiError{Status: http.StatusUnauthorized, Kind: errAuthentication, Info: "Authorization: a Bearer token (the server's --api-key) is required"}
	}
	return &apiError{Status: http.StatusUnauthorized, Kind: errAuthentication, Info: "Authorization: the Bearer token is not the server's --api-key"}
}

// auth guards Daily's API: it wants a bearer token, and exactly the API key
// when one is set.
func (p *Provider) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, ok := bearer(r); !ok || !p.keyValid(r) {
			writeError(w, unauthorized(r))
			return
		}
		next(w, r)
	}
}

// newSecretSource is where provisioned hmac secrets come from: crypto/rand,
// or with seeded a stream keyed by the seed (apart from the uuid stream, so
// that uuids are the same either way).
func newSecretSource(seed uint64, seeded bool) io.Reader {
	if !seeded {
		return rand.Reader
	}
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:8], seed)
	return mrand.NewChaCha8(sha256.Sum256(append(key[:8], "hookmock secrets"...)))
}
