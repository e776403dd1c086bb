package generator

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/generator/seeds"
	"github.com/hookmock/hookmock/spec"
)

// Generator makes events of one contract.
type Generator struct {
	spec      *spec.Spec
	clock     clock.Clock
	optional  float64
	integerTS bool
	docForms  bool
	planner   *planner
	// validateAll validates exact events too (see WithValidateAll).
	validateAll bool
	plans       sync.Map // *spec.Event → *eventPlan
	headers     sync.Map // header schema pointer → *spec.Validator (see HeaderValue)

	maxEventBytes int
}

// Option configures a Generator.
type Option func(*Generator)

// Epoch is the default clock reading of a Generator: the moment of Daily's
// own calltransfer examples (timestamp 1770005095). A fixed default keeps
// "same seed, same bytes" true without asking every caller for a clock.
var Epoch = time.Unix(1770005095, 0).UTC()

// WithClock sets where timestamps come from. The default is a virtual
// clock stopped at Epoch, so that output depends on the seed alone; the
// mock server passes clock.Real{} or its own virtual clock.
func WithClock(c clock.Clock) Option { return func(g *Generator) { g.clock = c } }

// WithOptionalProbability sets how often an optional property is present
// near the top of the body (default 0.75; deeper levels use less).
func WithOptionalProbability(p float64) Option {
	return func(g *Generator) { g.optional = min(max(p, 0), 1) }
}

// WithIntegerTimestamps makes Daily's payload.timestamp a JSON integer, as
// Daily documents it, instead of the digit string all its examples send.
func WithIntegerTimestamps() Option { return func(g *Generator) { g.integerTS = true } }

// WithDocumentedForms makes Daily's events take the forms its docs give
// where its examples differ: integer payload.timestamp (as
// WithIntegerTimestamps), recording.error's `clourd-recording-err` (sic),
// and snake_case keys in transcript `info`. The default follows the
// examples, which are what Daily is seen to send.
func WithDocumentedForms() Option { return func(g *Generator) { g.docForms = true } }

// WithValidateAll validates every event with the full validator, exact
// ones too: belt and braces, for callers to whom a few microseconds per
// event are worth nothing (the gen command). Without it, events whose
// plan is exact (see Exactness) skip the second validation.
func WithValidateAll() Option { return func(g *Generator) { g.validateAll = true } }

// ValidatesAll says whether the generator was made WithValidateAll.
func (g *Generator) ValidatesAll() bool { return g.validateAll }

// New returns a generator for s.
func New(s *spec.Spec, opts ...Option) *Generator {
	g := &Generator{spec: s, clock: clock.NewVirtual(Epoch), optional: 0.75, planner: newPlanner(s), maxEventBytes: MaxEventBytes}
	for _, o := range opts {
		o(g)
	}
	g.planner.maxBytes = g.maxEventBytes
	return g
}

// Spec returns the contract the generator serves.
func (g *Generator) Spec() *spec.Spec { return g.spec }

// Clock returns the generator's clock.
func (g *Generator) Clock() clock.Clock { return g.clock }

// Request asks for one event.
type Request struct {
	// Def is the event, one of the generator's spec; callers holding it
	// (the provider, the verifier, load) pass it so that it is not looked
	// up again by name.
	Def *spec.Event
	// Event is the event's name or its type value, as a command line
	// gives it; it is read only when Def is nil.
	Event string
	Seed  uint64
	// Set overrides values after generation and before validation.
	Set []Override
	// Invalid asks for a negative event of this kind ("" for a valid one).
	Invalid Kind
	// Call correlates this event with others of the same call; nil makes
	// the event stand alone.
	Call *Call
}

// Result is one generated event.
type Result struct {
	Event *spec.Event
	Seed  uint64
	// JSON is the body as sent: compact JSON (or, for malformed-json, the
	// broken bytes).
	JSON []byte
	// Invalid describes the violation of a negative event; nil otherwise.
	Invalid *Invalidity
	// ID is the envelope's top-level "id", or "" when the event has none;
	// it saves senders from parsing JSON back to find it.
	ID string

	attempts int
}

// maxAttempts bounds regeneration when a value fits two oneOf branches or
// repeats inside a uniqueItems array. Attempts are seeded from the request,
// so they are as reproducible as the first one.
const maxAttempts = 8

type eventPlan struct {
	e        *spec.Event
	root     *node
	daily    *dailyPlan
	nameHash uint64
	// exact plans make valid events by construction (see exact.go);
	// inexact says why a plan is not exact.
	exact   bool
	inexact *inexact
	// size is the largest body seen so far: marshalling starts with a
	// buffer that fits, instead of growing one through several copies.
	size atomic.Int64
}

func (ep *eventPlan) marshal(body any) []byte {
	raw := appendJSON(make([]byte, 0, ep.size.Load()+64), body)
	if n := int64(len(raw)); n > ep.size.Load() {
		ep.size.Store(n)
	}
	return raw
}

// Lookup finds an event by name or type.
func (g *Generator) Lookup(nameOrType string) (*spec.Event, error) {
	if e, ok := g.spec.Lookup(nameOrType); ok {
		return e, nil
	}
	return nil, &UnknownEventError{Name: nameOrType, Source: g.spec.Source, Events: g.spec.EventNames()}
}

func (g *Generator) plan(nameOrType string) (*eventPlan, error) {
	return g.planOf(Request{Event: nameOrType})
}

func (g *Generator) planOf(req Request) (*eventPlan, error) {
	e := req.Def
	if e == nil {
		var err error
		if e, err = g.Lookup(req.Event); err != nil {
			return nil, err
		}
	}
	if v, ok := g.plans.Load(e); ok {
		return v.(*eventPlan), nil
	}
	root := g.planner.root(e.Body)
	ep := &eventPlan{e: e, root: root, daily: planDaily(e.Type, e.Version, root, g.integerTS, g.docForms), nameHash: seeds.Hash(seeds.Raw(e.Name))}
	if root.err != nil {
		ep.inexact = &inexact{kw: "schema", ptr: root.ptr, why: "no event can be generated: " + root.err.Error()}
	} else {
		ep.inexact = g.planExactness(ep)
	}
	ep.exact = ep.inexact == nil
	v, _ := g.plans.LoadOrStore(e, ep)
	return v.(*eventPlan), nil
}

// Generate makes one event. The event is validated before it is returned,
// unless its plan is exact (valid by construction, see Exactness) and the
// generator was not made WithValidateAll; a negative event is validated
// too, and must be rejected for the reason its Invalidity states.
func (g *Generator) Generate(req Request) (*Result, error) {
	return g.GenerateContext(context.Background(), req)
}

// GenerateContext is Generate that gives up, with ctx's error, once ctx is
// done: a request handler passes its request's context, so that a client
// who has gone away stops the work it asked for.
func (g *Generator) GenerateContext(ctx context.Context, req Request) (*Result, error) {
	if req.Invalid != "" {
		if _, err := ParseKind(string(req.Invalid)); err != nil {
			return nil, err
		}
	}
	ep, err := g.planOf(req)
	if err != nil {
		return nil, err
	}
	if err := CheckOverrides(g.spec, ep.e.Name, req.Set); err != nil {
		return nil, err
	}
	req.Set = applicable(g.spec, ep.e.Name, req.Set)
	d := g.newDraft(ep, req)
	d.ctx = ctx
	body, raw, attempts, err := g.valid(ep, req, d)
	if err != nil {
		return nil, err
	}
	res := &Result{Event: ep.e, Seed: req.Seed, JSON: raw, attempts: attempts}
	if o, ok := body.(*object); ok {
		if id, ok := o.get("id"); ok {
			res.ID, _ = id.(string)
		}
	}
	if req.Invalid == "" {
		return res, nil
	}
	res.Invalid, res.JSON, err = g.invalid(ep, req, d, body, raw)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// draft carries what stays the same across attempts: the moment of the
// event, stamped once so that retries do not move a call's clock.
type draft struct {
	now     time.Time
	seconds int64
	ctx     context.Context // nil: never cancelled
}

func (g *Generator) newDraft(ep *eventPlan, req Request) draft {
	now := g.clock.Now()
	d := draft{now: now, seconds: now.Unix()}
	if req.Call != nil && ep.daily != nil {
		d.seconds = req.Call.stamp(now)
		d.now = time.Unix(d.seconds, 0)
	}
	return d
}

// ctx starts one generation. purpose (the attempt, or the negative
// variant) selects an independent stream from the same seed.
// Contexts are recycled through ctxPool (release them when done): the
// stream's PCG and its gofakeit and math/rand wrappers would otherwise be
// a good share of an event's allocations.
func (g *Generator) ctx(ep *eventPlan, req Request, d draft, purpose uint64) *genCtx {
	c := ctxPool.Get().(*genCtx)
	r := c.r
	r.reseed(req.Seed ^ ep.nameHash ^ seeds.Mix(purpose))
	*c = genCtx{
		s:        g.spec,
		r:        r,
		now:      d.now,
		seconds:  d.seconds,
		call:     req.Call,
		optional: g.optional,
		daily:    ep.daily,
		ctx:      d.ctx,
		exact:    ep.exact,
	}
	if ep.daily != nil {
		c.delayMs = minDeliveryDelayMs + c.r.Int64N(maxDeliveryDelayMs-minDeliveryDelayMs+1)
		if c.call == nil {
			// A lone Daily event still gets a call of its own, so that its
			// endpoints share a SIP host the way a real transfer's do.
			c.call = newCallFrom(c.r)
		}
	}
	return c
}

var ctxPool = sync.Pool{New: func() any { return &genCtx{r: newRNG(0)} }}

// release returns the context to the pool; nothing generated refers to it.
func (c *genCtx) release() {
	*c = genCtx{r: c.r}
	ctxPool.Put(c)
}

// build generates the body, Daily's envelope values included.
func (g *Generator) build(ep *eventPlan, c *genCtx) (any, error) {
	body, err := c.value(ep.root, hintNone, 0)
	if err != nil {
		return nil, err
	}
	return body, g.derive(ep, c, body, nil)
}

// derive recomputes the Daily values that depend on others (id, event_ts),
// after overrides have had their say.
func (g *Generator) derive(ep *eventPlan, c *genCtx, body any, set []Override) error {
	o, ok := body.(*object)
	if !ok || ep.daily == nil {
		return nil
	}
	if len(set) == 0 {
		return ep.daily.derive(c, o, noneOverridden)
	}
	return ep.daily.derive(c, o, func(ptr string) bool {
		for _, s := range set {
			if within(ptr, s.Pointer) {
				return true
			}
		}
		return false
	})
}

// noneOverridden is derive's test without overrides: a function value
// that captures nothing, so that the common case allocates no closure.
func noneOverridden(string) bool { return false }

// draftBytes is generation and marshalling without validation: the part
// of Generate the benchmarks measure on its own.
func (g *Generator) draftBytes(ep *eventPlan, req Request, d draft, attempt int) (any, []byte, error) {
	c := g.ctx(ep, req, d, uint64(attempt))
	body, err := g.build(ep, c)
	c.release()
	if err != nil {
		return nil, nil, err
	}
	return body, ep.marshal(body), nil
}

// valid generates until the validator accepts the event, up to
// maxAttempts. An exact plan's event is valid as built and skips the
// validator, unless overrides changed it, a negative event is wanted (its
// verdict needs the valid one's), or the generator validates all events.
// A violation that only appears once overrides are applied is the
// caller's, and reported as an OverrideError; any other is a generator
// bug, reported as a ContractError naming the schema location.
func (g *Generator) valid(ep *eventPlan, req Request, d draft) (any, []byte, int, error) {
	trusted := ep.exact && !g.validateAll && len(req.Set) == 0 && req.Invalid == ""
	var lastErr error
	for attempt := range maxAttempts {
		c := g.ctx(ep, req, d, uint64(attempt))
		body, err := g.build(ep, c)
		if err != nil {
			c.release()
			if d.cancelled() {
				return nil, nil, 0, err
			}
			lastErr = err
			continue
		}
		pre, err := g.override(ep, c, body, req.Set)
		c.release()
		if err != nil {
			return nil, nil, 0, err
		}
		raw := ep.marshal(body)
		if trusted {
			return body, raw, attempt + 1, nil
		}
		vs, err := g.spec.Validate(ep.e, raw)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("generator bug: event %q seed %d is not JSON: %w", ep.e.Name, req.Seed, err)
		}
		if len(vs) == 0 {
			return body, raw, attempt + 1, nil
		}
		if pre != nil {
			if pvs, _ := g.spec.Validate(ep.e, appendJSON(nil, pre)); len(pvs) == 0 {
				if req.Invalid != "" {
					// The overrides already break the event; the requested
					// kind of violation is made on top of them.
					return body, raw, attempt + 1, nil
				}
				return nil, nil, 0, &OverrideError{Overrides: blamed(req.Set, vs), Violations: vs}
			}
		}
		lastErr = &ContractError{Event: ep.e.Name, Seed: req.Seed, Where: g.spec.Where(vs[0].SchemaPointer), Violations: vs}
	}
	var ce *ContractError
	if errors.As(lastErr, &ce) {
		return nil, nil, 0, lastErr
	}
	return nil, nil, 0, fmt.Errorf("event %q seed %d: %w", ep.e.Name, req.Seed, lastErr)
}

// override applies the overrides and re-derives Daily's dependent values.
// It returns the body as it was before, so that a failed validation can
// tell the caller's mistakes from the generator's.
func (g *Generator) override(ep *eventPlan, c *genCtx, body any, set []Override) (any, error) {
	if len(set) == 0 {
		return nil, nil
	}
	pre := clone(body)
	for _, o := range set {
		if err := o.apply(body); err != nil {
			return nil, err
		}
	}
	return pre, g.derive(ep, c, body, set)
}

// blamed picks the overrides whose locations the violations touch, or all
// of them when the violation is elsewhere (say, a oneOf at the root).
func blamed(set []Override, vs []spec.Violation) []Override {
	var out []Override
	for _, o := range set {
		for _, v := range vs {
			if o.touches(v.Pointer) {
				out = append(out, o)
				break
			}
		}
	}
	if len(out) == 0 {
		return set
	}
	return out
}
