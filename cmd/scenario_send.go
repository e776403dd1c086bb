package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/scenario"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
)

// targetFlags say where and how to send without a server (trigger,
// scenario run, load).
type targetFlags struct{ to, secret, sign, basicAuth, caFile string }

func (t *targetFlags) register(f *pflag.FlagSet) {
	f.StringVar(&t.to, "to", "", "consumer URL (required)")
	f.StringVar(&t.secret, "secret", "", "signing secret: base64 hmac (daily) or whsec_… (standard)")
	f.StringVar(&t.sign, "sign", "daily", "signing scheme: daily or standard")
	f.StringVar(&t.basicAuth, "basic-auth", "", "send Authorization: Basic <value>, as Daily does for basicAuth")
	f.StringVar(&t.caFile, "ca-file", "", "PEM certificates to trust for an https --to, besides the system roots")
}

// client is the sender for --to: the default outbound policy, and
// --ca-file's trust.
func (t *targetFlags) client() (*http.Client, error) {
	tr, err := wire.NewTransport(wire.TransportOptions{CAFile: t.caFile})
	if err != nil {
		return nil, usageErr("--ca-file: %v", err)
	}
	return wire.NewClient(tr), nil
}

// target checks the flags.
func (t *targetFlags) target(stderr io.Writer) (wire.Target, error) {
	if t.to == "" {
		return wire.Target{}, usageErr("--to is required")
	}
	if u, err := url.Parse(t.to); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return wire.Target{}, usageErr("--to %q: want an absolute http(s) URL such as http://127.0.0.1:8080/webhooks", t.to)
	}
	if err := (wire.Policy{}).CheckURL(context.Background(), t.to); err != nil {
		return wire.Target{}, usageErr("--to: %v", err)
	}
	scheme, err := signing.ParseScheme(t.sign)
	if err != nil {
		return wire.Target{}, usageErr("--sign: %v", err)
	}
	if t.secret == "" {
		fmt.Fprintln(stderr, "hookmock: no --secret: sending unsigned")
	} else if _, err := signing.New(scheme, t.secret); err != nil {
		return wire.Target{}, usageErr("--secret: %v", err)
	}
	return wire.Target{URL: t.to, Scheme: scheme, Secret: t.secret, BasicAuth: t.basicAuth}, nil
}

// oneShot plays a scenario at a URL without a server: each event is
// generated, signed and POSTed once. Its faults are rolled and applied to
// the bytes and headers by the provider's own plan (wire.Roll); what a
// delivery engine would schedule (duplicate, reorder, delay) is done here
// in line; drop-first needs a retry policy, which a one-shot sender does
// not have.
type oneShot struct {
	gen     *generator.Generator
	client  *http.Client
	target  wire.Target
	timeout time.Duration
	extra   []wire.Fault
	clock   clock.Clock
	out     io.Writer
	start   time.Time
	quiet   bool
	pace    pacer

	held                 *heldEvent // a reordered event, sent after the next one
	requests, unexpected int
}

type heldEvent struct {
	em   scenario.Emission
	id   string
	body []byte // as it goes on the wire
	plan *wire.Plan
}

// sentRequest is the run record's detail for one request.
type sentRequest struct {
	Copy      int                 `json:"copy,omitempty"`
	Status    int                 `json:"status,omitempty"`
	LatencyMS float64             `json:"latencyMs"`
	Error     string              `json:"error,omitempty"`
	Faults    []wire.AppliedFault `json:"faults,omitempty"`
	Verdict   string              `json:"verdict"`
}

// oneShotDetail says what a one-shot sender did of the faults a delivery
// engine schedules, where it differs from the engine.
var oneShotDetail = map[wire.FaultKind]string{
	wire.FaultReorder:   "held back and sent after the next event",
	wire.FaultDropFirst: "not applied: a one-shot sender has no retries to force",
}

func (o *oneShot) Emit(ctx context.Context, em scenario.Emission) (scenario.Emitted, error) {
	if err := o.pace.wait(ctx, em.At); err != nil {
		return scenario.Emitted{}, err
	}
	// Keyed by the event seed, as load keys its rolls.
	plan := wire.Roll(append(append([]wire.Fault(nil), o.extra...), em.Faults...), em.Seed, 0)
	ev, err := o.generate(em, plan)
	if err != nil {
		return scenario.Emitted{}, err
	}
	out := scenario.Emitted{ID: ev.id, Body: ev.body}
	if _, reorder := plan.Get(wire.FaultReorder); reorder && o.held == nil {
		o.held = ev
		o.line(em, ev.id, "held back, to be sent after the next event (reorder)")
		out.Detail = []sentRequest{{Verdict: "held", Faults: []wire.AppliedFault{{Kind: wire.FaultReorder, Expect: wire.Expect(wire.FaultReorder),
			Detail: oneShotDetail[wire.FaultReorder]}}}}
		return out, nil
	}
	out.Detail = o.deliver(ctx, ev)
	if o.held != nil && o.held != ev {
		held := o.held
		o.held = nil
		o.deliver(ctx, held)
	}
	return out, ctx.Err()
}

// flush sends an event still held for a reorder when the scenario ends.
func (o *oneShot) flush(ctx context.Context) error {
	if o.held == nil {
		return nil
	}
	held := o.held
	o.held = nil
	o.deliver(ctx, held)
	return nil
}

// generate makes the event, a negative one when the plan has a schema
// violation (trying its kinds in order, as the provider does), and the
// bytes its faults put on the wire.
func (o *oneShot) generate(em scenario.Emission, plan *wire.Plan) (*heldEvent, error) {
	req := generator.Request{Event: em.Event, Seed: em.Seed, Call: em.Call, Set: em.Set}
	var res *generator.Result
	var err error
	if len(plan.Invalid) == 0 {
		res, err = o.gen.Generate(req)
	}
	for _, k := range plan.Invalid {
		req.Invalid = k
		res, err = o.gen.Generate(req)
		if err == nil || !errors.Is(err, generator.ErrNoLocation) {
			break
		}
	}
	if err != nil {
		if len(plan.Invalid) > 0 {
			return nil, fmt.Errorf("schema-violation: %w", err)
		}
		return nil, err
	}
	body := plan.Finish(res.JSON)
	if res.Invalid != nil {
		plan.Explain(string(res.Invalid.Kind), res.Invalid.String())
	}
	for i, a := range plan.Applied {
		if d, ok := oneShotDetail[a.Kind]; ok {
			plan.Applied[i].Detail = d
		}
		if a.Kind == wire.FaultDelay {
			plan.Applied[i].Detail = "sent " + a.Gap + " late"
		}
	}
	return &heldEvent{em: em, id: res.ID, body: body, plan: plan}, nil
}

// deliver sends an event, its duplicates after it, and reports each.
func (o *oneShot) deliver(ctx context.Context, ev *heldEvent) []sentRequest {
	if f, ok := ev.plan.Get(wire.FaultDelay); ok {
		if err := o.clock.Sleep(ctx, f.Gap); err != nil {
			return nil
		}
	}
	dup, _ := ev.plan.Get(wire.FaultDuplicate)
	var out []sentRequest
	for c := 0; c <= dup.Count; c++ {
		if c > 0 {
			if err := o.clock.Sleep(ctx, dup.Gap); err != nil {
				break
			}
		}
		att := wire.Send(ctx, o.client, o.target, wire.Request{MsgID: ev.id, Body: ev.body, At: o.clock.Now(),
			Timeout: o.timeout, BodyLimit: 4 << 10, Effects: ev.plan.Effects()})
		all := append([]wire.AppliedFault(nil), ev.plan.Applied...)
		for i := range all {
			if all[i].Kind == wire.FaultDuplicate && c > 0 {
				all[i].Detail = fmt.Sprintf("copy %d of %d, same id", c, dup.Count)
			}
		}
		sr := sentRequest{Copy: c, LatencyMS: att.LatencyMS, Error: att.Error, Faults: all}
		if att.Response != nil {
			sr.Status = att.Response.Status
		}
		sr.Verdict = verdict(sr)
		o.requests++
		if strings.HasPrefix(sr.Verdict, "unexpected") {
			o.unexpected++
		}
		o.report(ev, sr)
		out = append(out, sr)
	}
	return out
}

// verdict judges the consumer's answer by what the faults expect: a
// clean or tolerable event must get 200, a rejectable one must not.
func verdict(sr sentRequest) string {
	expect := "accept"
	for _, f := range sr.Faults {
		switch {
		case f.Expect == "reject":
			expect = "reject"
		case f.Expect == "either" && expect != "reject":
			expect = "either"
		}
	}
	ok := sr.Status == http.StatusOK
	switch {
	case sr.Status == 0:
		return "unexpected: no answer"
	case expect == "either":
		return "ok"
	case expect == "reject" && ok:
		return "unexpected: accepted an event it should reject"
	case expect == "reject":
		return "ok: rejected"
	case wire.IsRedirect(sr.Status):
		return "unexpected: " + wire.RedirectNotSuccess
	case !ok:
		return "unexpected: not 200"
	}
	return "ok"
}

func (o *oneShot) report(ev *heldEvent, sr sentRequest) {
	var kinds []string
	for _, f := range sr.Faults {
		kinds = append(kinds, string(f.Kind))
	}
	res := fmt.Sprintf("%d %s in %.1f ms", sr.Status, http.StatusText(sr.Status), sr.LatencyMS)
	if sr.Status == 0 {
		res = "no answer: " + sr.Error
	}
	if len(kinds) > 0 {
		res += " [" + strings.Join(kinds, ",") + "]"
	}
	if sr.Verdict != "ok" && sr.Status != 0 {
		res += " " + sr.Verdict
	}
	o.line(ev.em, ev.id, res)
}

func (o *oneShot) line(em scenario.Emission, id, what string) {
	if o.quiet {
		return
	}
	fmt.Fprintf(o.out, "+%-9s %-24s %s → %s\n", time.Since(o.start).Round(time.Millisecond), em.Event, id, what)
}

// pacer sends a planned event when its time comes in real time, the
// plan's offset divided by the speed: a scenario played at 10x sends a
// 30 s gap after 3 s, with event timestamps still 30 s apart.
type pacer struct {
	planStart, realStart time.Time
	speed                scenario.Speed
}

func (p pacer) wait(ctx context.Context, planned time.Time) error {
	if p.speed.Instant {
		return ctx.Err()
	}
	due := p.realStart.Add(p.speed.Scale(planned.Sub(p.planStart)))
	return clock.Real{}.Sleep(ctx, time.Until(due))
}
