package generator

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hookmock/hookmock/generator/invalid"
	"github.com/hookmock/hookmock/spec"
)

// Kind is a way of making an event invalid; the names live in the leaf
// package invalid so that fault checks need not import the generator.
type Kind = invalid.Kind

const (
	MissingRequired = invalid.MissingRequired
	WrongType       = invalid.WrongType
	PatternBreak    = invalid.PatternBreak
	EnumBreak       = invalid.EnumBreak
	MalformedJSON   = invalid.MalformedJSON
	RandomKind      = invalid.RandomKind
)

// Kinds lists the concrete kinds, in the order RandomKind draws from.
var Kinds = invalid.Kinds

// ParseKind reads a kind name.
func ParseKind(s string) (Kind, error) { return invalid.Parse(s) }

// ErrNoLocation is returned (wrapped) when the event's schema has no place
// where the requested kind of violation can be made, e.g. `enum` on a
// schema without enums or consts.
var ErrNoLocation = errors.New("no location for this kind of violation")

// Invalidity describes how a negative event breaks the contract.
type Invalidity struct {
	Kind Kind `json:"kind"`
	// Pointer is where the event was changed ("" is the whole body).
	Pointer string `json:"pointer"`
	// Action says what was done, e.g. `removed required property "room"`.
	Action string `json:"action"`
	// Violations is the validator's verdict on the event: the proof that it
	// is invalid, and why. Empty for malformed JSON.
	Violations []spec.Violation `json:"violations,omitempty"`
	// ParseError is the JSON parser's complaint, for malformed JSON.
	ParseError string `json:"parseError,omitempty"`
}

func (iv *Invalidity) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s at %s: %s", iv.Kind, displayPtr(iv.Pointer), iv.Action)
	if iv.ParseError != "" {
		fmt.Fprintf(&b, "; parser: %s", iv.ParseError)
	}
	for i, v := range iv.Violations {
		if i == 0 {
			b.WriteString("; validator: ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
	}
	return b.String()
}

// negativePurpose seeds the stream that chooses a negative variant, apart
// from the attempts' streams.
const negativePurpose = 1 << 20

// invalid breaks a valid body in the requested way and proves it with the
// validator.
func (g *Generator) invalid(ep *eventPlan, req Request, d draft, body any, raw []byte) (*Invalidity, []byte, error) {
	c := g.ctx(ep, req, d, negativePurpose)
	defer c.release()
	kinds := []Kind{req.Invalid}
	if req.Invalid == RandomKind {
		kinds = append([]Kind(nil), Kinds...)
		c.r.rnd.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	}
	for _, k := range kinds {
		if k == MalformedJSON {
			bad, action := malform(c.r, raw)
			_, perr := g.spec.Validate(ep.e, bad)
			if perr == nil {
				continue
			}
			return &Invalidity{Kind: k, Action: action, ParseError: perr.Error()}, bad, nil
		}
		iv, out, err := g.breakSchema(ep, c, k, body)
		if errors.Is(err, ErrNoLocation) && req.Invalid == RandomKind {
			continue
		}
		return iv, out, err
	}
	return nil, nil, fmt.Errorf("event %q: %w of any kind", ep.e.Name, ErrNoLocation)
}

// maxMutationTries bounds how many candidate locations are validated
// before giving up on a kind.
const maxMutationTries = 32

func (g *Generator) breakSchema(ep *eventPlan, c *genCtx, k Kind, body any) (*Invalidity, []byte, error) {
	var sites []site
	collectSites(ep.root, body, "", nil, &sites, 0)
	muts := c.mutations(k, sites)
	if len(muts) == 0 {
		return nil, nil, fmt.Errorf("event %q: %w %q: the schema has %s", ep.e.Name, ErrNoLocation, k, noLocationReason(k))
	}
	c.r.rnd.Shuffle(len(muts), func(i, j int) { muts[i], muts[j] = muts[j], muts[i] })
	for i, m := range muts {
		if i >= maxMutationTries {
			break
		}
		m.do()
		raw := ep.marshal(body)
		vs, err := g.spec.Validate(ep.e, raw)
		if err == nil && proves(vs, m) {
			return &Invalidity{Kind: k, Pointer: m.ptr, Action: m.action, Violations: vs}, raw, nil
		}
		m.undo()
	}
	return nil, nil, fmt.Errorf("event %q: %w %q: no change the validator rejects for that reason was found", ep.e.Name, ErrNoLocation, k)
}

func noLocationReason(k Kind) string {
	switch k {
	case MissingRequired:
		return "no required property"
	case WrongType:
		return "no value with a declared type"
	case PatternBreak:
		return "no string with a pattern or an asserted format"
	case EnumBreak:
		return "no enum or const"
	}
	return "no such location"
}

// proves says whether the validator rejected the event at the mutated
// location for the mutation's reason.
func proves(vs []spec.Violation, m mutation) bool {
	for _, v := range vs {
		if v.Pointer == m.ptr && contains(m.keywords, v.Keyword) {
			return true
		}
	}
	return false
}
