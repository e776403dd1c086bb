package mockserver

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/spec"
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

// faultPlan is what happens to the deliveries of one event. A nil plan is
// a clean event.
type faultPlan struct {
	faults  []Fault // at most one per kind; defaults filled in
	applied []AppliedFault
	wire    wireFaults
	// invalidKinds are the schema violations to try, in order.
	invalidKinds []generator.Kind
}

func (fp *faultPlan) get(k FaultKind) (Fault, bool) {
	if fp != nil {
		for _, f := range fp.faults {
			if f.Kind == k {
				return f, true
			}
		}
	}
	return Fault{}, false
}

func (fp *faultPlan) names() []string {
	if fp == nil {
		return nil
	}
	out := make([]string, len(fp.applied))
	for i, a := range fp.applied {
		out[i] = string(a.Kind)
	}
	return out
}

// wireFaults returns the per-attempt faults; nil plans send cleanly.
func (fp *faultPlan) wireFaults() wireFaults {
	if fp == nil {
		return wireFaults{}
	}
	return fp.wire
}

// copyApplied hands each delivery its own slice, so that per-delivery
// notes (how a reorder ended) do not leak into the others.
func (fp *faultPlan) copyApplied() []AppliedFault {
	if fp == nil {
		return nil
	}
	return append([]AppliedFault(nil), fp.applied...)
}

// planFaults decides which of the requested faults apply to this event.
// Probabilities are rolled from the server seed and the event's own seed
// (or its given bytes), so the same seed gives the same faults no matter
// how concurrently events are triggered.
func (p *Provider) planFaults(req *triggerRequest) (*faultPlan, error) {
	if len(req.faults) == 0 {
		return nil, nil
	}
	if req.body == nil && req.seed == nil {
		s := int64(p.events.nextSeed())
		req.seed = &s
	}
	key := faultKey(p.seed, req)
	fp := &faultPlan{}
	for i, f := range req.faults {
		if err := f.Validate(); err != nil {
			return nil, fmt.Errorf("faults[%d]: %w", i, err)
		}
		rng := rand.New(rand.NewPCG(key, uint64(i)))
		if f.Probability > 0 && f.Probability < 1 && rng.Float64() >= f.Probability {
			continue
		}
		f = f.Defaults(p.opts.Exponential.Delay(1))
		if f.Kind == FaultSchemaViolation {
			fp.invalidKinds = []generator.Kind{generator.Kind(f.Invalid)}
			if f.Invalid == "" {
				// A seeded rotation: not every event has an enum or a
				// pattern to break, so makeEvent walks on to the next.
				r := rng.IntN(len(validJSONKinds))
				fp.invalidKinds = append(append([]generator.Kind(nil), validJSONKinds[r:]...), validJSONKinds[:r]...)
			}
		}
		fp.set(f)
	}
	if len(fp.faults) == 0 {
		return nil, nil
	}
	return fp, nil
}

// validJSONKinds are the generator's violations that keep the body JSON.
var validJSONKinds = []generator.Kind{generator.MissingRequired, generator.WrongType, generator.PatternBreak, generator.EnumBreak}

// set adds f; a later fault of the same kind replaces an earlier one, the
// way a later flag overrides an earlier one.
func (fp *faultPlan) set(f Fault) {
	for i, x := range fp.faults {
		if x.Kind == f.Kind {
			fp.faults[i] = f
			return
		}
	}
	fp.faults = append(fp.faults, f)
}

func faultKey(seed int64, req *triggerRequest) uint64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(seed))
	h.Write(b[:])
	if req.seed != nil {
		binary.LittleEndian.PutUint64(b[:], uint64(*req.seed))
		h.Write(b[:])
	} else {
		h.Write(req.body)
	}
	return h.Sum64()
}

// makeEvent generates the event, as a negative one when the plan asks for
// a schema violation, and returns the bytes to send (after any body fault)
// alongside the clean event.
func (p *Provider) makeEvent(ev *spec.Event, req *triggerRequest, fp *faultPlan) (event, wire []byte, id string, err error) {
	if _, violate := fp.get(FaultSchemaViolation); !violate {
		event, id, err = p.events.make(ev, req)
		if err != nil {
			return nil, nil, "", err
		}
		return event, fp.finish(event, nil), id, nil
	}
	if req.body != nil {
		return nil, nil, "", errors.New("schema-violation needs a generated event; it cannot rewrite a given body")
	}
	for _, k := range fp.invalidKinds {
		req.invalid = k
		event, id, err = p.events.make(ev, req)
		if err == nil || !errors.Is(err, generator.ErrNoLocation) {
			break
		}
	}
	if err != nil {
		return nil, nil, "", fmt.Errorf("schema-violation: %w", err)
	}
	return event, fp.finish(event, req.invalidity), id, nil
}

// finish fills in the details that depend on the event and returns the
// bytes that go on the wire.
func (fp *faultPlan) finish(body []byte, iv *generator.Invalidity) []byte {
	if fp == nil {
		return body
	}
	out := body
	for _, f := range fp.faults {
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
		case FaultSchemaViolation:
			if iv != nil {
				a.Invalid = string(iv.Kind)
				a.Detail = iv.String()
			}
		case FaultSlowSend:
			a.Detail = fmt.Sprintf("body dripped in %d pieces over %s (real time)", f.Count, f.Gap)
		}
		fp.applied = append(fp.applied, a)
	}
	fp.wire = newWireFaults(fp.faults)
	return out
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

// firstWait is how long the first attempt of copy n (0 the original)
// waits before it is queued.
func (fp *faultPlan) firstWait(copy int) time.Duration {
	var d time.Duration
	if f, ok := fp.get(FaultDelay); ok {
		d += f.Gap
	}
	if f, ok := fp.get(FaultDuplicate); ok {
		d += time.Duration(copy) * f.Gap
	}
	return d
}
