// Package mockserver is hookmock's fake webhook provider: Daily's webhook
// management API, its verification probe, signed deliveries with Daily's
// retry policies, a delivery log, and a control API under /_mock/. It runs
// as `hookmock serve` or in-process in a Go test (New).
package mockserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/generator/seeds"
	"github.com/hookmock/hookmock/mockserver/engine"
	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/spec"
)

// Provider is the mock provider's core: everything but the listener.
type Provider struct {
	opts  Options
	spec  *spec.Spec
	clock clock.Clock
	seed  uint64
	hooks *engine.Registry
	// store is read and written directly only for the provider's own
	// documents (persist.go) and counters; deliveries go through engine.
	store store.Store
	// ownStore: the provider opened the store, so it closes it.
	ownStore   bool
	closeStore sync.Once
	engine     *engine.Engine
	mgmt       *managementSchemas
	log        *slog.Logger
	client     *http.Client
	events     *eventSource
	scheds     *schedules
	scen       *scenarioState
	stream     *stream
}

// NewProvider builds a provider; call Shutdown when done.
func NewProvider(opts Options) (_ *Provider, err error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	mgmt, err := loadManagementSchemas()
	if err != nil {
		return nil, err
	}
	if o.Seed == 0 {
		o.Seed = seeds.Random()
	}
	st, own := o.Store, o.Store == nil
	switch {
	case st == nil && storeForTests != nil:
		if st, err = storeForTests(o.MaxDeliveries); err != nil {
			return nil, err
		}
	case st == nil:
		st = store.NewMemory(store.Options{MaxRecords: o.MaxDeliveries})
	}
	defer func() {
		if err != nil && own {
			st.Close()
		}
	}()
	logger := slog.New(wire.RedactingHandler(o.Logger.Handler()))
	p := &Provider{opts: o, spec: o.Spec, clock: o.Clock, seed: o.Seed, hooks: engine.NewRegistry(o.Seed, o.SeededSecrets),
		store: st, ownStore: own, mgmt: mgmt, log: logger, client: o.HTTPClient,
		stream: newStream(StreamBuffer)}
	if err := p.hooks.Attach(st, st.Shared(), logger); err != nil {
		return nil, err
	}
	if o.InsecureSkipVerify {
		p.log.Warn("delivery.insecureSkipVerify is on: https consumers' certificates are not checked")
	}
	p.scen = newScenarioState(o.ActionErrors)
	p.events, err = newEventSource(p)
	if err != nil {
		return nil, err
	}
	p.engine = engine.New(engine.Config{Store: st, Owner: ownerName(), Lease: o.Lease, Hooks: p.hooks, Clock: o.Clock, Log: logger,
		Client: o.HTTPClient, Workers: o.Workers, QueueSize: o.QueueSize, MaxLive: o.Limits.MaxLiveDeliveries,
		FailureThreshold: o.FailureThreshold, Exponential: o.Exponential, Accept2xx: o.Accept2xx, SigningParams: o.SigningParams,
		DeliveryTimeout: o.DeliveryTimeout, ResponseBodyLimit: o.ResponseBodyLimit, ResponseHeaderLimit: o.ResponseHeaderLimit,
		Headers: p.headersFor, Observe: p.observe, WebhookFailed: p.webhookFailed, FollowClock: p.followClock})
	if err := p.restoreBeforeSchedules(); err != nil {
		p.Shutdown(context.Background())
		return nil, err
	}
	err = p.startSchedules()
	if err == nil {
		err = p.restoreSchedules()
	}
	if err != nil {
		p.Shutdown(context.Background())
		return nil, err
	}
	return p, nil
}

// storeForTests, set by this package's tests from HOOKMOCK_TEST_STORE,
// opens the store of a provider given none, so that the whole suite runs
// on each backend.
var storeForTests func(maxRecords int) (store.Store, error)

// Seed is the seed in use (the one given, or the random one chosen).
func (p *Provider) Seed() uint64 { return p.seed }

// Spec is the contract being served.
func (p *Provider) Spec() *spec.Spec { return p.spec }

// Clock is the provider's clock; under a virtual clock, advance it to run
// retries.
func (p *Provider) Clock() clock.Clock { return p.clock }

// Handler serves the management API (/v1/...) and the control API (/_mock/...).
func (p *Provider) Handler() http.Handler {
	mux := http.NewServeMux()
	p.routeAPI(mux)
	p.routeControl(mux)
	p.routeSchedules(mux)
	p.routeScenarios(mux)
	p.routeInspector(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := allowedMethods(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, &apiError{Status: http.StatusMethodNotAllowed, Kind: errInvalidRequest,
				Info: fmt.Sprintf("method: %s %s is not served; use %s", r.Method, r.URL.Path, strings.Join(allow, " or "))})
			return
		}
		writeError(w, &apiError{Status: http.StatusNotFound, Kind: errNotFound, Info: fmt.Sprintf("path: no route for %s %s", r.Method, r.URL.Path)})
	})
	return p.guard(mux)
}

// allowedMethods lists the methods that have a route for r's path. The
// catch-all "/" route matches every method, so ServeMux never answers 405
// by itself; this asks it which other methods would have matched.
func allowedMethods(mux *http.ServeMux, r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "/" && pattern != "" {
			allow = append(allow, m)
		}
	}
	return allow
}

// Webhooks lists the registered webhooks.
func (p *Provider) Webhooks() []Webhook { return p.hooks.List() }

// Deliveries lists the delivery log, oldest first.
func (p *Provider) Deliveries(f ...Filter) []Delivery {
	var filter Filter
	if len(f) > 0 {
		filter = f[0]
	}
	return p.engine.List(filter)
}

// ResetDeliveries forgets finished deliveries.
func (p *Provider) ResetDeliveries() { p.engine.Reset() }

// Settle waits until every delivery is in a terminal state. Under a virtual
// clock, deliveries waiting to be retried only settle as the clock advances:
// Drain advances it for them.
func (p *Provider) Settle(ctx context.Context) error { return p.engine.Settle(ctx) }

// Shutdown stops accepting events, lets queued and in-flight deliveries
// finish until ctx ends, and records the rest as interrupted.
func (p *Provider) Shutdown(ctx context.Context) {
	p.stream.close()
	p.stopSchedules()
	p.engine.Shutdown(ctx)
	p.client.CloseIdleConnections()
}

// Close closes the store the provider opened itself (none given in
// Options.Store); call it after Shutdown, once the log has been read.
func (p *Provider) Close() error {
	var err error
	if p.ownStore {
		p.closeStore.Do(func() { err = p.store.Close() })
	}
	return err
}

// StoreBackend names the store's backend: memory, sqlite or postgres.
func (p *Provider) StoreBackend() string { return p.store.Backend() }

// ownerName names this process in leases: host, pid and a random part, so
// that a restarted process with a recycled pid is still someone new.
func ownerName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%08x", host, os.Getpid(), seeds.Random()&0xffffffff)
}

// StoreLocation says where the provider keeps its state.
func (p *Provider) StoreLocation() string { return p.store.Location() }

// DeliveryPage is one page of the delivery log.
type DeliveryPage struct {
	Deliveries []Delivery
	// Next continues after this page (Query.Cursor); empty on the last.
	Next string
}

// LiveDeliveries counts the deliveries this process has not ended yet:
// queued, being sent, or waiting to retry.
func (p *Provider) LiveDeliveries() int { return p.engine.Live() }

// StoreStats says where the delivery log is kept and how much of it.
func (p *Provider) StoreStats() StoreStats { return p.engine.Stats() }

// QueryDeliveries reads one page of the log, filtered in the store.
func (p *Provider) QueryDeliveries(ctx context.Context, q store.Query) (DeliveryPage, error) {
	ds, next, err := p.engine.Page(ctx, q)
	return DeliveryPage{Deliveries: ds, Next: next}, err
}

// eachDeliveryJSON is EachDelivery as JSON exports: fn's bytes are only
// valid during the call.
func (p *Provider) eachDeliveryJSON(ctx context.Context, q store.Query, fn func([]byte) error) error {
	var buf []byte
	return store.Each(ctx, p.store, q, func(r store.Delivery) error {
		var err error
		if buf, err = engine.DeliveryJSON(buf[:0], r); err != nil {
			return err
		}
		return fn(buf)
	})
}

// EachDelivery calls fn for every delivery q selects, oldest first, a page
// at a time: memory stays bounded however long the log.
func (p *Provider) EachDelivery(ctx context.Context, q store.Query, fn func(Delivery) error) error {
	return store.Each(ctx, p.store, q, func(r store.Delivery) error {
		d, err := engine.DecodeDelivery(r)
		if err != nil {
			return err
		}
		return fn(d)
	})
}

// TriggerOption tunes one triggered event.
type TriggerOption func(*triggerRequest)

type triggerRequest struct {
	seed         *uint64
	set          []generator.Override
	setErr       error // from WithSet's strings, reported where the event is made
	body         []byte
	allowInvalid bool
	call         *generator.Call
	faults       []Fault
	// invalid asks the generator for a negative event (schema-violation);
	// invalidity is what it did.
	invalid    generator.Kind
	invalidity *generator.Invalidity
	// ctx is the trigger's: generation stops when the caller goes away.
	ctx context.Context
}

// WithSeed generates the event from this seed.
func WithSeed(seed uint64) TriggerOption { return func(r *triggerRequest) { r.seed = &seed } }

// WithSet overrides fields, as "payload.room=sales" or "/payload/room=sales".
func WithSet(kv ...string) TriggerOption {
	return func(r *triggerRequest) {
		for _, s := range kv {
			o, err := generator.ParseOverride(s)
			if err != nil {
				r.setErr = errors.Join(r.setErr, err)
				continue
			}
			r.set = append(r.set, o)
		}
	}
}

// WithOverrides overrides fields.
func WithOverrides(o ...generator.Override) TriggerOption {
	return func(r *triggerRequest) { r.set = append(r.set, o...) }
}

// WithBody sends these exact bytes instead of a generated event.
func WithBody(raw []byte) TriggerOption { return func(r *triggerRequest) { r.body = raw } }

// AllowInvalid sends the event even if it breaks the contract.
func AllowInvalid() TriggerOption { return func(r *triggerRequest) { r.allowInvalid = true } }

// WithCall correlates the event with others of the same call.
func WithCall(c *generator.Call) TriggerOption { return func(r *triggerRequest) { r.call = c } }

// Triggered is what a trigger produced.
type Triggered struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Event      json.RawMessage `json:"event"`
	Deliveries []string        `json:"deliveries"`
	// Faults are the faults injected into every delivery of the event.
	Faults []AppliedFault `json:"faults,omitempty"`
}

// Trigger makes one event of the named type (an event name or its `type`
// value) and queues it for every subscribed webhook.
func (p *Provider) Trigger(ctx context.Context, event string, opts ...TriggerOption) (*Triggered, error) {
	req := triggerRequest{ctx: ctx}
	for _, o := range opts {
		o(&req)
	}
	ev, ok := p.spec.Lookup(event)
	if !ok {
		return nil, fmt.Errorf("unknown event %q; this mock serves %s", event, strings.Join(p.eventTypes(), ", "))
	}
	plan, err := p.planFaults(&req)
	if err != nil {
		return nil, err
	}
	body, wire, id, err := p.makeEvent(ev, &req, plan)
	if err != nil {
		return nil, err
	}
	typ := ev.Type
	if typ == "" {
		typ = ev.Name
	}
	ids, err := p.engine.Enqueue(ctx, typ, id, wire, plan)
	if err != nil {
		return nil, engineError(err)
	}
	return &Triggered{Type: typ, ID: id, Event: body, Deliveries: ids, Faults: plan.CopyApplied()}, nil
}

// eventTypes lists what webhooks may subscribe to: type values, or names
// for events without a type discriminator.
func (p *Provider) eventTypes() []string {
	out := make([]string, 0, len(p.spec.Events))
	for _, e := range p.spec.Events {
		if e.Type != "" {
			out = append(out, e.Type)
		} else {
			out = append(out, e.Name)
		}
	}
	return out
}

// Webhook returns one webhook by uuid.
func (p *Provider) Webhook(id string) (Webhook, bool) { return p.hooks.Get(id) }
