package contracts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/generator/seeds"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

// excerptRunes is how much of a response body evidence keeps.
const excerptRunes = 200

// runner is one live run: the settings, an HTTP client of its own (closed
// at the end, so that no connection outlives the run) and the generators.
type runner struct {
	s      *settings
	seed   uint64
	client *http.Client
	gen    *generator.Generator
	// genFull puts every optional property in, for tolerates-additive-change.
	genFull *generator.Generator
}

func newRunner(s *settings, seed uint64) *runner {
	t := &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            wire.Policy{}.Dialer(s.timeout).DialContext,
		TLSHandshakeTimeout:    s.timeout,
		MaxIdleConnsPerHost:    s.concurrency,
		MaxResponseHeaderBytes: 64 << 10,
		ForceAttemptHTTP2:      true,
	}
	client := wire.NewClient(t)
	clock := clock.Real{}
	return &runner{s: s, seed: seed, client: client,
		gen:     generator.New(s.spec, generator.WithClock(clock)),
		genFull: generator.New(s.spec, generator.WithClock(clock), generator.WithOptionalProbability(1))}
}

func (x *runner) close() { x.client.CloseIdleConnections() }

// event generates a valid event for the case its seed parts name,
// correlated with call when there is one.
func (x *runner) event(e *spec.Event, call *generator.Call, parts ...string) ([]byte, string, error) {
	res, err := x.gen.Generate(generator.Request{Def: e, Seed: x.caseSeed(parts...), Call: call})
	if err != nil {
		return nil, "", fmt.Errorf("cannot generate the event: %w", err)
	}
	return res.JSON, res.ID, nil
}

// caseSeed derives a case's generation seed from the run seed, so that a
// run replays from its seed and no two cases share an event id.
func (x *runner) caseSeed(parts ...string) uint64 {
	ps := make([]seeds.Part, len(parts))
	for i, p := range parts {
		ps[i] = seeds.String(p)
	}
	return seeds.Derive(x.seed, ps...)
}

// signature says how a delivery is signed.
type signature int

const (
	signed          signature = iota // with the contract's secret, now
	signedByAnother                  // with a secret the consumer does not know
	unsigned                         // no signature headers
	signedStale                      // with the right secret, StaleBy ago
)

// delivery is one request to send.
type delivery struct {
	// id is the event id of a generated body (Result.ID); "" reads it
	// from the body.
	id          string
	step        string
	body        []byte
	sig         signature
	noBasicAuth bool
	// header, when set, gives the signature headers instead of sig: the
	// diagnosis's deliberately mis-signed variants.
	header func(id string, at time.Time, body []byte) http.Header
}

// send posts one delivery to the endpoint and returns the exchange, and the
// response body as read (up to the body limit) for clauses that judge it.
func (x *runner) send(ctx context.Context, d delivery) (Exchange, string) {
	t := wire.Target{URL: x.s.c.Endpoint, Scheme: x.s.c.Signing.Scheme, Secret: x.s.secret, BasicAuth: x.s.c.Signing.BasicAuth, Params: x.s.c.Signing.Params}
	at := time.Now()
	switch d.sig {
	case signedByAnother:
		t.Secret = otherSecret(t.Scheme)
	case unsigned:
		t.Secret = ""
	case signedStale:
		at = at.Add(-x.s.staleBy)
	}
	if d.noBasicAuth {
		t.BasicAuth = ""
	}
	id := d.id
	if id == "" {
		// A body the runner did not generate as it is (a probe, a
		// violation): its id, if any, is read from it.
		id = wire.EventID(d.body)
	}
	msgID := id
	if msgID == "" {
		msgID = "hookmock-verify"
	}
	if d.header != nil {
		t.Secret, t.Header = "", d.header(msgID, at, d.body)
	}
	a := wire.Send(ctx, x.client, t, wire.Request{MsgID: msgID, Body: d.body, At: at, Timeout: x.s.timeout, BodyLimit: x.s.bodyLimit})
	ex := exchangeOf(d.step, a)
	// The report names the endpoint once; the client's error repeats it.
	ex.Error = strings.TrimPrefix(ex.Error, fmt.Sprintf("Post %q: ", t.URL))
	ex.EventID = id
	body := ""
	if a.Response != nil {
		body = a.Response.Body
	}
	return ex, body
}

// exchangeOf turns a recorded attempt into evidence.
func exchangeOf(step string, a wire.Attempt) Exchange {
	ex := Exchange{Step: step, LatencyMS: a.LatencyMS, Error: a.Error}
	if a.Response != nil {
		ex.Status = a.Response.Status
		ex.Body = excerpt(a.Response.Body, excerptRunes)
		ex.BodyTruncated = a.Response.BodyTruncated
	}
	return ex
}

// otherSecret is a fresh secret of the scheme: a signature made with it is
// well-formed but forged.
func otherSecret(scheme signing.Scheme) string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	s := base64.StdEncoding.EncodeToString(b[:])
	if scheme == signing.Standard {
		return "whsec_" + s
	}
	return s
}
