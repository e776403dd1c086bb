package generator

import (
	"context"
	"fmt"
	"time"

	"github.com/hookmock/hookmock/spec"
)

// genCtx is the state of one event's generation. It is never shared
// between goroutines.
type genCtx struct {
	s        *spec.Spec
	r        *rng
	now      time.Time
	seconds  int64 // the event's moment in Unix seconds (a call's stamp)
	call     *Call
	optional float64
	daily    *dailyPlan
	delayMs  int64 // Daily's delivery delay: event_ts - timestamp
	ctx      context.Context
	steps    int // values generated, to look at ctx every so often
	// exact: the plan is exact, so a oneOf value that fits two branches
	// is an error (another attempt), never an event left to the validator.
	exact bool
}

const (
	// softDepth is where generation starts steering towards the smallest
	// valid value (no optional properties, minimum array lengths, null
	// branches), which is what ends recursive schemas.
	softDepth = 6
	// hardDepth is where a schema that cannot end (a required property
	// chain back to itself) is reported instead of recursing forever.
	hardDepth = 40
	// nullChance is how often a nullable value is null: often enough to
	// exercise consumers' null handling, rarely enough to look real.
	nullChance = 0.1
)

func (c *genCtx) where(ptr string) string { return c.s.Where(ptr) }

// value generates one value for n. h is the property-name hint of the slot
// being filled, if any.
func (c *genCtx) value(n *node, h hint, depth int) (any, error) {
	if n.err != nil {
		return nil, n.err
	}
	if err := c.stopped(); err != nil {
		return nil, err
	}
	if depth > hardDepth {
		return nil, fmt.Errorf("%s: recursion deeper than %d levels; the schema has no finite instance", c.where(n.ptr), hardDepth)
	}
	if len(n.alts) > 0 {
		return c.alternative(n, h, depth)
	}
	if n.hasConst {
		return clone(n.constVal), nil
	}
	if n.enum != nil {
		return c.pickEnum(n)
	}
	for range 4 {
		v, err := c.typed(n, h, c.chooseType(n, depth), depth)
		if err != nil || !c.rejectedByNot(n, v) {
			return v, err
		}
	}
	return nil, fmt.Errorf("%s: every value generated was rejected by `not`", c.where(n.ptr))
}

// typed generates a value of type t, realistic when the schema and the
// property name allow it.
func (c *genCtx) typed(n *node, h hint, t jtype, depth int) (any, error) {
	if t&(tString|tNumber|tInteger|tBoolean) != 0 {
		if v, ok := c.realistic(n, h, t); ok {
			return v, nil
		}
	}
	return c.byType(n, t, depth)
}

func (c *genCtx) rejectedByNot(n *node, v any) bool {
	for _, x := range n.not {
		if x.accepts(v, 0) {
			return true
		}
	}
	return false
}

func (c *genCtx) pickEnum(n *node) (any, error) {
	start := c.r.IntN(len(n.enum))
	for i := range n.enum {
		v := n.enum[(start+i)%len(n.enum)]
		if n.accepts(v, 0) {
			return clone(v), nil
		}
	}
	return nil, fmt.Errorf("%s: no enum value satisfies the other keywords", c.where(n.ptr))
}

// alternative generates from one oneOf/anyOf branch. For oneOf it retries
// when the value also fits another branch, which would make it invalid.
func (c *genCtx) alternative(n *node, h hint, depth int) (any, error) {
	weights := make([]float64, len(n.alts))
	total := 0.0
	for i, a := range n.alts {
		if a.err != nil {
			continue
		}
		w := 1.0
		if a.types == tNull {
			w = nullChance * float64(len(n.alts)-1) / (1 - nullChance)
			if depth >= softDepth {
				w = 1000
			}
		} else if depth >= softDepth && a.types&(tObject|tArray) == 0 {
			w = 10
		}
		weights[i] = w
		total += w
	}
	var (
		v         any
		lastErr   error
		ambiguous bool
	)
	named := h != hintNone || n.faker != ""
	for range 10 {
		if total <= 0 {
			break
		}
		i := weightedPick(c.r, weights, total)
		if named && n.alts[i].types != tNull {
			// Names speak for the whole anyOf: a "*_endpoint" value is
			// a SIP URI or a phone number, whichever branch takes it.
			if v, ok := c.named(n, h, allowedTypes(n)&^tNull); ok {
				return v, nil
			}
			named = false
		}
		var err error
		v, err = c.value(n.alts[i], h, depth)
		if err != nil {
			// This branch cannot be generated; let the others have a go.
			lastErr = err
			total -= weights[i]
			weights[i] = 0
			continue
		}
		if !n.exclusive || c.onlyBranch(n, i, v) {
			return v, nil
		}
		ambiguous = true
	}
	if ambiguous && c.exact {
		return nil, fmt.Errorf("%s: every value generated fits more than one oneOf branch", c.where(n.ptr))
	}
	if v != nil || lastErr == nil {
		// Let final validation judge a value that fits two branches.
		return v, nil
	}
	return nil, lastErr
}

func (c *genCtx) onlyBranch(n *node, chosen int, v any) bool {
	for j, a := range n.alts {
		if j != chosen && a.accepts(v, 0) {
			return false
		}
	}
	return true
}

func weightedPick(r *rng, weights []float64, total float64) int {
	x := r.rnd.Float64() * total
	last := 0
	for i, w := range weights {
		if w <= 0 {
			continue
		}
		last = i
		if x < w {
			return i
		}
		x -= w
	}
	return last
}

// chooseType picks the JSON type to generate. Without a `type` keyword
// the other keywords say what the author had in mind.
func (c *genCtx) chooseType(n *node, depth int) jtype {
	ts := n.types
	if ts == tAll {
		return impliedType(n)
	}
	if ts&tNull != 0 && ts != tNull {
		p := nullChance
		if depth >= softDepth {
			p = 0.9
		}
		if c.r.chance(p) {
			return tNull
		}
		ts &^= tNull
	}
	var choices [7]jtype
	k := 0
	for _, t := range typeOrder {
		if ts&t == 0 || (t == tNumber && ts&tInteger != 0) {
			continue
		}
		if t == tInteger && ts&tNumber != 0 {
			t = tNumber | tInteger
		}
		choices[k] = t
		k++
	}
	if k == 1 {
		return choices[0]
	}
	return choices[c.r.IntN(k)]
}

// impliedType is the type a schema without `type` is generated as: the
// one its other keywords speak of.
func impliedType(n *node) jtype {
	switch {
	case len(n.props) > 0 || n.addl != nil || len(n.patProps) > 0 || n.minProps > 0:
		return tObject
	case n.items != nil || len(n.prefix) > 0 || n.minItems > 0:
		return tArray
	case n.minLen > 0 || n.maxLen >= 0 || len(n.patterns) > 0 || n.format != "":
		return tString
	case n.num.min != nil || n.num.max != nil || len(n.num.multipleOf) > 0:
		return tNumber | tInteger
	}
	return tString
}

func (c *genCtx) byType(n *node, t jtype, depth int) (any, error) {
	switch t {
	case tNull:
		return nil, nil
	case tBoolean:
		return c.r.Bool(), nil
	case tString:
		return c.genString(n)
	case tInteger:
		return c.genInteger(n)
	case tNumber, tNumber | tInteger:
		if t&tInteger != 0 && c.r.chance(0.3) {
			if v, err := c.genInteger(n); err == nil {
				return v, nil
			}
		}
		return c.genNumber(n)
	case tObject:
		return c.genObject(n, depth)
	case tArray:
		return c.genArray(n, depth)
	}
	return nil, fmt.Errorf("%s: cannot generate a value of type %s", c.where(n.ptr), t)
}
