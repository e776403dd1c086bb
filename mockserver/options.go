package mockserver

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

// Options configure a Provider. The zero value serves the embedded Daily
// contract with Daily's documented behaviour.
type Options struct {
	// Spec is the contract whose events are served; nil means the embedded
	// Daily contract (spec.Default).
	Spec *spec.Spec
	// Seed makes generated events, webhook uuids and secrets reproducible;
	// 0 picks a random seed (see Provider.Seed).
	Seed uint64
	// Clock drives event timestamps and retry back-off; nil is the real clock.
	Clock clock.Clock
	// APIKey, when set, is the only bearer token any route accepts (only
	// GET /_mock/health answers without it, with liveness alone).
	APIKey string
	// SeededSecrets derives provisioned hmac secrets from Seed, so that a
	// test can know them in advance. By default they come from crypto/rand:
	// the seed is printed and shown to key holders, and a secret anyone
	// can recompute from it is no secret.
	SeededSecrets bool

	// DeliveryTimeout bounds each delivery attempt (default 5 s; Daily asks
	// for a 200 "within a few seconds" and publishes no number).
	DeliveryTimeout time.Duration
	// ProbeTimeout bounds the verification probe (default 5 s).
	ProbeTimeout time.Duration
	// SignProbe signs the {"test":"test"} probe. Daily's docs do not say
	// whether it is signed; the default is unsigned, the stricter case for
	// consumers (they must let the probe through before checking signatures).
	SignProbe bool
	// AllowMultipleWebhooks lifts Daily's one-webhook-per-domain limit.
	AllowMultipleWebhooks bool
	// Signing is the scheme for webhooks that do not choose one: default
	// the one the spec's declared signature header implies (GitHub's
	// X-Hub-Signature-256: github), else Daily.
	Signing signing.Scheme
	// SigningParams configure the generic hmac scheme, and GitHub's
	// legacy sha1 header (hookmock.yaml webhooks.signingParams).
	SigningParams *signing.Params
	// UserAgent replaces every other source of the deliveries' User-Agent
	// (see headers.go).
	UserAgent string
	// FailureThreshold flips a circuit-breaker webhook to FAILED (default 3).
	FailureThreshold int
	// Exponential is the exponential retry schedule.
	Exponential Backoff
	// Accept2xx counts any 2xx as success. Daily's docs always say 200, so
	// the default counts only 200.
	Accept2xx bool

	// Workers is how many deliveries are sent at once (default 64).
	Workers int
	// QueueSize bounds the queue of deliveries waiting for a worker
	// (default 4096); triggering blocks while it is full.
	QueueSize int
	// Store keeps webhooks, the delivery log and pending work; nil is a
	// fresh in-memory store capped at MaxDeliveries. The provider does not
	// close a store it is given. See package store for sqlite and postgres.
	Store store.Store
	// Lease is how long pending work stays with this process between
	// renewals (default 30 s): once it lapses, because the process died,
	// the next start or another replica on the same store takes it over.
	Lease time.Duration
	// MaxDeliveries caps the in-memory delivery log (default 100,000); the
	// oldest finished records are evicted past it, and counted.
	MaxDeliveries int
	// MaxBodyBytes bounds management and control request bodies (default 1 MiB).
	MaxBodyBytes int64
	// ResponseBodyLimit is how much of a consumer's response body each
	// attempt records (default 4 KiB).
	ResponseBodyLimit int

	// Server bounds connections: read, write and idle timeouts and the
	// request header size.
	Server ServerTimeouts
	// Limits bound what callers can make the provider hold.
	Limits Limits
	// MaxEventBytes caps the smallest instance an event schema may demand
	// (generator.maxEventBytes; 0 for its default). A contract over it is
	// refused at start.
	MaxEventBytes int

	// Outbound is the policy on where probes and deliveries may go; the
	// zero value refuses link-local and cloud-metadata addresses. A custom
	// HTTPClient bypasses its dial-time check, not the check on webhook
	// URLs.
	Outbound wire.Policy
	// CAFile adds PEM certificates to the roots trusted for https
	// consumers; InsecureSkipVerify trusts any certificate (logged once).
	// Neither applies to a custom HTTPClient.
	CAFile             string
	InsecureSkipVerify bool
	// MaxResponseHeaderBytes bounds a consumer's response headers (default
	// 64 KiB); past it the attempt fails.
	MaxResponseHeaderBytes int64
	// ResponseHeaderLimit is how much of a consumer's response headers
	// each attempt records (default 8 KiB).
	ResponseHeaderLimit int

	// Observers see every change of the delivery log: each attempt, each
	// status change, each webhook turning FAILED (see ConsoleLog).
	Observers []Observer

	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// HTTPClient sends probes and deliveries; nil uses a pooled client
	// sized for Workers.
	HTTPClient *http.Client

	// Schedules start with the provider (hookmock.yaml's `schedules:`).
	Schedules []ScheduleConfig

	// ActionErrors make sipCallTransfer/sipRefer fail for chosen rooms or
	// sessions (hookmock.yaml's `actions.errors:`; see SetActionError).
	ActionErrors []ActionError
}

func (o Options) withDefaults() (Options, error) {
	if o.Spec == nil {
		s, err := spec.Default()
		if err != nil {
			return o, err
		}
		o.Spec = s
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	setDur := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	setDur(&o.DeliveryTimeout, 5*time.Second)
	setDur(&o.ProbeTimeout, 5*time.Second)
	setDur(&o.Lease, 30*time.Second)
	setDur(&o.Exponential.Base, time.Minute)
	setDur(&o.Exponential.Cap, 15*time.Minute)
	setInt := func(n *int, def int) {
		if *n <= 0 {
			*n = def
		}
	}
	setInt(&o.FailureThreshold, 3)
	setInt(&o.Exponential.Retries, 5)
	setInt(&o.Workers, 64)
	setInt(&o.QueueSize, 4096)
	setInt(&o.MaxDeliveries, 100_000)
	setInt(&o.ResponseBodyLimit, 4<<10)
	if err := checkCounts(o.Workers, o.QueueSize); err != nil {
		return o, err
	}
	o.Server, o.Limits = o.Server.withDefaults(), o.Limits.withDefaults()
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.Signing == "" {
		o.Signing = specScheme(o.Spec)
	}
	if o.Signing == "" {
		o.Signing = signing.Daily
	}
	if _, err := signing.ParseScheme(string(o.Signing)); err != nil {
		return o, err
	}
	if o.Signing == signing.HMAC || o.SigningParams != nil && o.SigningParams.Header != "" {
		if err := o.SigningParams.Check(signing.HMAC); err != nil {
			return o, err
		}
	}
	if o.Exponential.Base > o.Exponential.Cap {
		return o, fmt.Errorf("exponential back-off base %s exceeds its cap %s", o.Exponential.Base, o.Exponential.Cap)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.HTTPClient == nil {
		t, err := o.newTransport()
		if err != nil {
			return o, err
		}
		o.HTTPClient = wire.NewClient(t)
	}
	return o, nil
}
