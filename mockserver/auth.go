package mockserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// The auth model: without an API key every route is open (any bearer
// token passes /v1/*, as a local mock should), and the default bind is
// loopback. With an API key every route, /v1/* and /_mock/* alike, wants
// "Authorization: Bearer <key>"; only GET /_mock/health answers without
// it, and then shows nothing that could help recompute a secret. The
// inspector page (/ and /ui/*) signs people in with a form that sets an
// HttpOnly cookie holding the key, which /_mock/* accepts too.

// healthPath answers without the key, so that orchestrators can probe it.
const healthPath = "/_mock/health"

// guard puts the API key in front of every route.
func (p *Provider) guard(next http.Handler) http.Handler {
	if p.opts.APIKey == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == healthPath || p.keyValid(r) || uiOpen(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		if uiPath(r.URL.Path) {
			// People sign in on the page, which then carries the key in
			// an HttpOnly cookie.
			http.Redirect(w, r, "/ui/login", http.StatusSeeOther)
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
		// The inspector page's cookie (see uiPostLogin).
		c, err := r.Cookie(uiCookie)
		if err != nil {
			return false
		}
		token = c.Value
	}
	return p.keyMatches(token)
}

// keyMatches compares a token with the API key in constant time.
func (p *Provider) keyMatches(token string) bool {
	got, want := sha256.Sum256([]byte(token)), sha256.Sum256([]byte(p.opts.APIKey))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// uiPath reports whether path is one of the inspector page's.
func uiPath(path string) bool { return path == "/" || strings.HasPrefix(path, "/ui/") }

// uiOpen is what the page shows before sign-in: the form and its assets.
func uiOpen(path string) bool { return path == "/ui/login" || strings.HasPrefix(path, "/ui/static/") }

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
