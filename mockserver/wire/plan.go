package wire

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hookmock/hookmock/generator/invalid"
)

// AppliedFault is one fault as it was injected, with its parameters in
// force, so that a verifier reading the log knows what the consumer should
// have done.
type AppliedFault struct {
	Kind        FaultKind `json:"kind"`
	Count       int       `json:"count,omitempty"`
	Gap         string    `json:"gap,omitempty"`
	Window      int       `json:"window,omitempty"`
	Invalid     string    `json:"invalid,omitempty"`
	ContentType string    `json:"contentType,omitempty"`
	// Expect is what a correct consumer does: "reject" (answer non-2xx
	// and not act on it), "process-once" (act on one copy, answer 200 to
	// every copy), "tolerate" (act on it as usual), or "either" (a strict
	// consumer may reject it, a lenient one may act on it).
	Expect string `json:"expect"`
	// Detail says what was done.
	Detail string `json:"detail"`
}

// expectations per kind; see AppliedFault.Expect.
var faultExpect = map[FaultKind]string{
	FaultDuplicate: "process-once", FaultReorder: "tolerate", FaultDelay: "tolerate", FaultDropFirst: "tolerate",
	FaultSlowSend: "tolerate", FaultContentType: "either", FaultBadSignature: "reject", FaultMissingSignature: "reject",
	FaultStaleTimestamp: "reject", FaultFutureTimestamp: "reject", FaultTruncatedBody: "reject",
	FaultMalformedBody: "reject", FaultSchemaViolation: "reject",
}

// Expect is what a correct consumer does about a fault of kind k; see
// AppliedFault.Expect.
func Expect(k FaultKind) string { return faultExpect[k] }

// Effects are the ways one attempt deviates from a clean send. They apply
// to every attempt of a delivery: the message itself is faulty, and a
// consumer should reject it each time. The zero value sends cleanly.
type Effects struct {
	signature   FaultKind // "", FaultBadSignature or FaultMissingSignature
	tsShift     time.Duration
	contentType string
	drip        time.Duration
	pieces      int
}

func effectsOf(fs []Fault) Effects {
	var w Effects
	for _, f := range fs {
		switch f.Kind {
		case FaultBadSignature, FaultMissingSignature:
			w.signature = f.Kind
		case FaultStaleTimestamp:
			w.tsShift = -f.Gap
		case FaultFutureTimestamp:
			w.tsShift = f.Gap
		case FaultContentType:
			w.contentType = f.ContentType
		case FaultSlowSend:
			w.drip, w.pieces = f.Gap, f.Count
		}
	}
	return w
}

// Plan is what happens to the deliveries of one event: the faults in force,
// at most one per kind with defaults filled in, and, once finished, what
// was applied.
type Plan struct {
	Faults  []Fault
	Applied []AppliedFault
	// Invalid are the schema violations to try for a schema-violation
	// fault, in order: not every event has an enum or a pattern to break.
	Invalid []invalid.Kind
}

// Roll decides which faults apply to one event and fills in their
// defaults (firstBackoff is drop-first's wait). A fault with a
// probability applies when its draw falls under it; fault i draws from a
// PCG stream keyed by (key, i), so an event's faults depend on its key
// alone, however concurrently events are made. A schema violation without
// a named kind tries the valid-JSON kinds from a seeded start. Every
// sender rolls here: the provider keys by the server and event seeds, the
// one-shot senders (scenario run, load) by the event seed.
func Roll(faults []Fault, key uint64, firstBackoff time.Duration) *Plan {
	p := &Plan{}
	for i, f := range faults {
		rng := rand.New(rand.NewPCG(key, uint64(i)))
		if f.Probability > 0 && f.Probability < 1 && rng.Float64() >= f.Probability {
			continue
		}
		f = f.Defaults(firstBackoff)
		if f.Kind == FaultSchemaViolation {
			p.Invalid = []invalid.Kind{invalid.Kind(f.Invalid)}
			if f.Invalid == "" {
				r := rng.IntN(len(invalid.ValidJSON))
				p.Invalid = append(append([]invalid.Kind(nil), invalid.ValidJSON[r:]...), invalid.ValidJSON[:r]...)
			}
		}
		p.Set(f)
	}
	return p
}

// Get returns the plan's fault of kind k.
func (p *Plan) Get(k FaultKind) (Fault, bool) {
	for _, f := range p.Faults {
		if f.Kind == k {
			return f, true
		}
	}
	return Fault{}, false
}

// Set adds f; a later fault of the same kind replaces an earlier one, the
// way a later flag overrides an earlier one.
func (p *Plan) Set(f Fault) {
	for i, x := range p.Faults {
		if x.Kind == f.Kind {
			p.Faults[i] = f
			return
		}
	}
	p.Faults = append(p.Faults, f)
}

// Effects returns the per-attempt faults of the plan.
func (p *Plan) Effects() Effects { return effectsOf(p.Faults) }

// Finish records what each fault does to this event and returns the bytes
// that go on the wire. A schema violation happens at generation; its
// entry says so with Explain.
func (p *Plan) Finish(body []byte) []byte {
	out := body
	for _, f := range p.Faults {
		a := AppliedFault{Kind: f.Kind, Count: f.Count, Window: f.Window, Invalid: f.Invalid, ContentType: f.ContentType, Expect: faultExpect[f.Kind]}
		if f.Gap > 0 {
			a.Gap = f.Gap.String()
		}
		switch f.Kind {
		case FaultDuplicate:
			a.Detail = fmt.Sprintf("sent %d more time(s) with the same event id, %s apart; each copy is its own delivery", f.Count, f.Gap)
		case FaultReorder:
			a.Detail = fmt.Sprintf("held back until %d later delivery(ies) to the webhook were sent, or for at most %s", f.Window, f.Gap)
		case FaultDelay:
			a.Detail = fmt.Sprintf("first attempt sent %s late (provider clock)", f.Gap)
		case FaultDropFirst:
			a.Detail = fmt.Sprintf("first attempt lost before reaching the consumer (not counted against the webhook); re-sent %s later", f.Gap)
		case FaultBadSignature:
			a.Detail = "signed with a wrong key: the signature does not verify"
		case FaultMissingSignature:
			a.Detail = "sent without signature and timestamp headers"
		case FaultStaleTimestamp:
			a.Detail = fmt.Sprintf("signed correctly with a timestamp %s in the past", f.Gap)
		case FaultFutureTimestamp:
			a.Detail = fmt.Sprintf("signed correctly with a timestamp %s in the future", f.Gap)
		case FaultContentType:
			a.Detail = "Content-Type: " + f.ContentType
		case FaultTruncatedBody:
			n := len(out)
			out = out[:n/2]
			a.Detail = fmt.Sprintf("body cut to %d of %d bytes, signed as sent", len(out), n)
		case FaultMalformedBody:
			out = malform(out)
			a.Detail = "a trailing comma makes the body invalid JSON; signed as sent"
		case FaultSlowSend:
			a.Detail = fmt.Sprintf("body dripped in %d pieces over %s (real time)", f.Count, f.Gap)
		}
		p.Applied = append(p.Applied, a)
	}
	return out
}

// Explain sets the schema-violation entry's kind and detail, which only
// the generator knows.
func (p *Plan) Explain(invalid, detail string) {
	for i := range p.Applied {
		if p.Applied[i].Kind == FaultSchemaViolation {
			p.Applied[i].Invalid, p.Applied[i].Detail = invalid, detail
		}
	}
}

// malform inserts a trailing comma before the closing bracket, the classic
// output of a broken serializer; strict parsers all reject it.
func malform(b []byte) []byte {
	out := make([]byte, 0, len(b)+1)
	if n := len(b); n > 0 && (b[n-1] == '}' || b[n-1] == ']') {
		out = append(append(append(out, b[:n-1]...), ','), b[n-1])
		return out
	}
	return append(append(out, b...), ',')
}
