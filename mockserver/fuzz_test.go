package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/spec"
)

// Fuzz targets for every parser of outside input on the server's HTTP
// side. Each runs its seeds under plain go test (testdata/fuzz/<name>);
// scripts/fuzz.sh runs them for a while. None of them touches the network:
// the provider's client answers 200 itself, and names resolve nowhere.

// answering is a transport that answers every request 200 without a
// connection, so that probes pass and nothing leaves the process.
type answering struct{}

func (answering) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(bytes.NewReader(nil)), Header: http.Header{}, Request: r}, nil
}

// offline resolves nothing: fuzzed host names must not become DNS queries.
var offline = &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
	return nil, errors.New("offline")
}}

func fuzzProvider(f *testing.F) *Provider {
	p, err := NewProvider(Options{Seed: 1, Clock: clock.NewVirtual(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)), HTTPClient: &http.Client{Transport: answering{}},
		Outbound: wire.Policy{Resolver: offline}, Limits: Limits{MaxItems: 1 << 30}})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { p.Shutdown(context.Background()) })
	return p
}

// serveOnce sends one request through the provider's handler and checks
// that the answer is a well-formed client error or success, never a 5xx.
func serveOnce(t *testing.T, h http.Handler, method, path string, body []byte, ok ...int) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, path, bytes.NewReader(body)))
	if w.Code >= 500 {
		t.Fatalf("%s %s %q: %d %s", method, path, body, w.Code, w.Body)
	}
	for _, s := range ok {
		if w.Code == s {
			return w
		}
	}
	if w.Code >= 400 {
		if _, err := spec.DecodeJSON(w.Body.Bytes()); err != nil {
			t.Fatalf("%s %s %q: %d with a body that is not JSON: %s", method, path, body, w.Code, w.Body)
		}
		return w
	}
	t.Fatalf("%s %s %q: unexpected %d %s", method, path, body, w.Code, w.Body)
	return w
}

// FuzzManagementBody: POST /v1/webhooks and POST /v1/webhooks/{uuid}.
func FuzzManagementBody(f *testing.F) {
	p := fuzzProvider(f)
	h := p.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		w := serveOnce(t, h, "POST", "/v1/webhooks", body, http.StatusOK)
		if w.Code == http.StatusOK {
			var hook Webhook
			if err := json.Unmarshal(w.Body.Bytes(), &hook); err != nil || hook.UUID == "" || hook.URL == "" {
				t.Fatalf("created %s (%v)", w.Body, err)
			}
			serveOnce(t, h, "POST", "/v1/webhooks/"+hook.UUID, body, http.StatusOK)
		}
		for _, hook := range p.Webhooks() {
			serveOnce(t, h, "DELETE", "/v1/webhooks/"+hook.UUID, nil, http.StatusOK)
		}
	})
}

// FuzzControlEvents: POST /_mock/events (type, seed, set, body, faults).
// No webhook is registered, so an accepted event is generated, checked and
// recorded nowhere.
func FuzzControlEvents(f *testing.F) {
	h := fuzzProvider(f).Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		serveOnce(t, h, "POST", "/_mock/events", body, http.StatusOK)
	})
}

// FuzzSchedule: a POST /_mock/schedules body, decoded and compiled (not
// started: a valid schedule would fire for the rest of the run).
func FuzzSchedule(f *testing.F) {
	p := fuzzProvider(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := spec.DecodeJSON(body)
		if err != nil {
			return
		}
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		c, fe := decodeSchedule(m)
		if fe == nil {
			_, _, fe = p.compileSchedule(c)
		}
		if fe != nil && (fe.Field == "" || fe.Msg == "") {
			t.Fatalf("%q: an error without its field: %+v", body, fe)
		}
	})
}

// FuzzActionError: POST /_mock/action-errors, then the rules are cleared.
func FuzzActionError(f *testing.F) {
	p := fuzzProvider(f)
	h := p.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		serveOnce(t, h, "POST", "/_mock/action-errors", body, http.StatusCreated)
		p.ClearActionErrors()
	})
}

// FuzzScenarioRun: a POST /_mock/scenarios/{name}/run body, read and
// planned against a built-in scenario (not played).
func FuzzScenarioRun(f *testing.F) {
	p := fuzzProvider(f)
	sc, err := p.scenarioByName("sip-call-transfer")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/_mock/scenarios/sip-call-transfer/run", bytes.NewReader(body))
		var req scenarioRunRequest
		if err := readJSONInto(w, r, p.opts.MaxBodyBytes, &req, true, func(err error) *apiError { return badRequest("body", "%v", err) }); err != nil {
			return
		}
		opts, err := req.options()
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.Status >= 500 {
				t.Fatalf("%q: %v", body, err)
			}
			return
		}
		if _, err := p.planRun(sc, opts); err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.Status >= 500 {
				t.Fatalf("%q: %v", body, err)
			}
		}
	})
}
