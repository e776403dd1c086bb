package cmd

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/generator/seeds"
	"github.com/hookmock/hookmock/mockserver/scenario"
	"github.com/hookmock/hookmock/mockserver/signing"
	"github.com/hookmock/hookmock/mockserver/wire"
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

// sendTarget checks --to, --sign, --secret and --basic-auth values.
func (a *app) sendTarget(to, sign, secret, basicAuth string) (wire.Target, error) {
	t := targetFlags{to: to, secret: secret, sign: sign, basicAuth: basicAuth}
	return t.target(a.stderr)
}

// oneShot plays a scenario at a URL without a server: each event is
// generated, signed and POSTed once. Faults that change the request are
// applied by wire.SendFaults; the ones about timing and repetition
// (duplicate, reorder, delay) are scheduled here; drop-first needs a
// retry policy, which a one-shot sender does not have.
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

	held                 *heldEvent // a reordered event, sent after the next one
	requests, unexpected int
}

type heldEvent struct {
	em     scenario.Emission
	id     string
	body   []byte
	faults []wire.Fault
	notes  []wire.AppliedFault
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

func (o *oneShot) Emit(ctx context.Context, em scenario.Emission) (scenario.Emitted, error) {
	faults := append(append([]wire.Fault(nil), o.extra...), em.Faults...)
	faults = o.decide(faults, em.Seed)
	body, notes, err := o.generate(em, faults)
	if err != nil {
		return scenario.Emitted{}, err
	}
	ev := &heldEvent{em: em, id: wire.EventID(body), body: body, faults: faults, notes: notes}
	out := scenario.Emitted{ID: ev.id, Body: body}
	if has(faults, wire.FaultReorder) && o.held == nil {
		o.held = ev
		o.line(em, ev.id, "held back, to be sent after the next event (reorder)")
		out.Detail = []sentRequest{{Verdict: "held", Faults: []wire.AppliedFault{{Kind: wire.FaultReorder, Expect: "tolerate",
			Detail: "held back and sent after the next event"}}}}
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

// decide applies each fault's probability, deterministically from the
// event's seed, so that the same seed injects the same faults.
func (o *oneShot) decide(fs []wire.Fault, seed uint64) []wire.Fault {
	var out []wire.Fault
	for i, f := range fs {
		if f.Probability > 0 {
			x := seeds.Mix(seed ^ uint64(i+1)*0x9e3779b97f4a7c15)
			if float64(x>>11)/(1<<53) >= f.Probability {
				continue
			}
		}
		out = append(out, f.Defaults(0))
	}
	return out
}

func has(fs []wire.Fault, k wire.FaultKind) bool {
	for _, f := range fs {
		if f.Kind == k {
			return true
		}
	}
	return false
}

// generate makes the event; a schema-violation fault makes a negative one.
func (o *oneShot) generate(em scenario.Emission, fs []wire.Fault) ([]byte, []wire.AppliedFault, error) {
	req := generator.Request{Event: em.Event, Seed: em.Seed, Call: em.Call, Set: em.Set}
	var notes []wire.AppliedFault
	for _, f := range fs {
		if f.Kind != wire.FaultSchemaViolation {
			continue
		}
		kinds := []generator.Kind{generator.MissingRequired, generator.WrongType, generator.PatternBreak, generator.EnumBreak}
		if f.Invalid != "" {
			k, err := generator.ParseKind(f.Invalid)
			if err != nil {
				return nil, nil, err
			}
			kinds = []generator.Kind{k}
		}
		// Try the kinds from a seed-chosen start: not every event has an
		// enum or a pattern to break.
		for i := range kinds {
			req.Invalid = kinds[(int(em.Seed%uint64(len(kinds)))+i)%len(kinds)]
			res, err := o.gen.Generate(req)
			if err == nil && res.Invalid != nil {
				notes = append(notes, wire.AppliedFault{Kind: f.Kind, Invalid: string(req.Invalid), Expect: "reject", Detail: res.Invalid.String()})
				return res.JSON, notes, nil
			}
		}
		return nil, nil, fmt.Errorf("schema-violation: no violation of %v applies to %s", kinds, em.Event)
	}
	res, err := o.gen.Generate(req)
	if err != nil {
		return nil, nil, err
	}
	return res.JSON, nil, nil
}

// deliver sends an event, its duplicates after it, and reports each.
func (o *oneShot) deliver(ctx context.Context, ev *heldEvent) []sentRequest {
	var onWire []wire.Fault
	copies, gap := 0, time.Duration(0)
	notes := append([]wire.AppliedFault(nil), ev.notes...)
	for _, f := range ev.faults {
		switch f.Kind {
		case wire.FaultDuplicate:
			copies, gap = f.Count, f.Gap
		case wire.FaultDelay:
			notes = append(notes, wire.AppliedFault{Kind: f.Kind, Gap: f.Gap.String(), Expect: "tolerate", Detail: "sent " + f.Gap.String() + " late"})
			if err := o.clock.Sleep(ctx, f.Gap); err != nil {
				return nil
			}
		case wire.FaultDropFirst:
			notes = append(notes, wire.AppliedFault{Kind: f.Kind, Expect: "tolerate", Detail: "not applied: a one-shot sender has no retries to force"})
		case wire.FaultReorder:
			notes = append(notes, wire.AppliedFault{Kind: f.Kind, Expect: "tolerate", Detail: "held back and sent after the next event"})
		case wire.FaultSchemaViolation:
		default:
			onWire = append(onWire, f)
		}
	}
	var out []sentRequest
	for c := 0; c <= copies; c++ {
		if c > 0 {
			if err := o.clock.Sleep(ctx, gap); err != nil {
				break
			}
		}
		att, applied, err := wire.SendFaults(ctx, o.client, o.target,
			wire.Request{MsgID: ev.id, Body: ev.body, At: o.clock.Now(), Timeout: o.timeout, BodyLimit: 4 << 10}, onWire)
		all := append(append([]wire.AppliedFault(nil), notes...), applied...)
		if c > 0 {
			all = append(all, wire.AppliedFault{Kind: wire.FaultDuplicate, Count: copies, Expect: "process-once",
				Detail: fmt.Sprintf("copy %d of %d, same id", c, copies)})
		}
		sr := sentRequest{Copy: c, LatencyMS: att.LatencyMS, Error: att.Error, Faults: all}
		if err != nil {
			sr.Error = err.Error()
		}
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
