package generator

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hookmock/hookmock/spec"
)

// Exact plans. Every value generation returns is either made to fit its
// node (numbers in range, strings cut to length, enums and consts) or
// vetted by the node's own checker (accepts: formats through the
// validator's own format functions, patterns through the Go regexp the
// validator compiles, oneOf by trying the other branches). Where that
// checker reads a keyword exactly as the validator does, and generation
// meets every keyword of a node, the node's values are valid by
// construction; an event whose every reachable node is so is exact, and
// its events skip the second, full validation (see Generator.valid).
//
// The test of the claim is TestExactPlansDifferential: many events per
// exact event, of the embedded contracts and the corpus, each validated
// with the full validator.

// inexact says why a node's values are not valid by construction.
type inexact struct {
	kw  string // the keyword
	ptr string // where it is written
	why string
}

// refusedKeywords are honoured by the validator but not, or not wholly, by
// generation: a node meeting one keeps the second validation.
var refusedKeywords = map[string]string{
	"not":                   "generation only filters values through `not`",
	"if":                    "if/then/else branches are tried, not proved",
	"dependentSchemas":      "generation ignores dependentSchemas",
	"dependentRequired":     "dependencies added late can break maxProperties",
	"propertyNames":         "declared property names are not checked against propertyNames",
	"contains":              "contains items are not checked against items, nor counted against maxContains",
	"minContains":           "contains items are not checked against items, nor counted against maxContains",
	"maxContains":           "contains items are not checked against items, nor counted against maxContains",
	"unevaluatedProperties": "read as additionalProperties, which it is not across allOf and oneOf",
	"unevaluatedItems":      "generation ignores unevaluatedItems",
	"$id":                   "a new base URI changes how $refs below resolve",
	"$schema":               "another draft changes what keywords mean",
	"$dynamicRef":           "generation does not follow dynamic references",
	"$dynamicAnchor":        "generation does not follow dynamic references",
	"$recursiveRef":         "generation does not follow dynamic references",
	"$recursiveAnchor":      "generation does not follow dynamic references",
	"$vocabulary":           "a vocabulary changes what keywords mean",
	"dependencies":          "generation ignores dependencies",
	"additionalItems":       "generation ignores additionalItems",
}

// exactness judges a node once it is built. x and c are what build read.
// Keywords neither generation nor the validator reads (annotations, x-
// extensions, keywords draft 2020-12 does not define) do not matter.
func (p *planner) exactness(n *node, x *expansion, c *collected) *inexact {
	if len(x.nots) > 0 {
		r := x.nots[0]
		kw := "not"
		if strings.HasSuffix(r.ptr, "/if") {
			kw = "if"
		}
		return &inexact{kw: kw, ptr: r.ptr, why: refusedKeywords[kw]}
	}
	for _, m := range x.maps {
		raw := m.raw.(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(raw)) {
			if why := p.keywordExact(n, c, raw, k); why != "" {
				return &inexact{kw: k, ptr: spec.Join(m.ptr, k), why: why}
			}
		}
	}
	if n.exclusive {
		for _, a := range n.alts {
			if a.err != nil && !a.unsat {
				return &inexact{kw: "oneOf", ptr: a.ptr, why: "a branch that cannot be generated cannot be ruled out either"}
			}
		}
	}
	if n.hasConst && len(n.alts) == 0 && !n.acceptsOwn(n.constVal, 0) {
		return &inexact{kw: "const", ptr: n.ptr, why: "the const breaks its sibling keywords"}
	}
	if n.itemsFalse && n.minItems > len(n.prefix) {
		return &inexact{kw: "items", ptr: n.ptr, why: "minItems asks for more items than prefixItems allows"}
	}
	return nil
}

// keywordExact returns why keyword k of schema object m is not honoured
// by construction, or "".
func (p *planner) keywordExact(n *node, c *collected, m map[string]any, k string) string {
	if why, ok := refusedKeywords[k]; ok {
		return why
	}
	v := m[k]
	switch k {
	case "type":
		switch tv := v.(type) {
		case string:
			if parseType(tv) != 0 {
				return ""
			}
		case []any:
			for _, x := range tv {
				if s, ok := x.(string); !ok || parseType(s) == 0 {
					return "an unknown type name"
				}
			}
			return ""
		}
		return "an unknown type name"
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf":
		if _, ok := ratOf(v); !ok {
			return "not a number"
		}
	case "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties":
		if _, ok := intKeyword(m, k); !ok {
			return "not a non-negative integer"
		}
	case "enum", "required", "allOf", "anyOf", "oneOf", "prefixItems":
		if _, ok := v.([]any); !ok {
			return "not an array"
		}
	case "pattern":
		s, ok := v.(string)
		if !ok {
			return "not a string"
		}
		return patternExact(p.pattern(s))
	case "items":
		if _, ok := v.([]any); ok {
			return "the array form of items (before draft 2020-12) is not generated"
		}
	case "uniqueItems":
		if u, _ := v.(bool); u {
			for _, item := range append([]*node{n.items}, n.prefix...) {
				if item != nil && !scalarOnly(item, 0) {
					return "items that may be objects or arrays are not proved distinct"
				}
			}
		}
	case "additionalProperties":
		if b, ok := v.(bool); ok && b {
			return ""
		}
		return additionalExact(m, c, v == false)
	case "patternProperties":
		return p.patternPropsExact(c)
	}
	return ""
}

// additionalExact: additionalProperties sees only the properties and
// patternProperties of its own schema object, while generation merges
// every object of an allOf (or $ref and siblings, or a oneOf branch and
// its parent). The two agree when its own object declares every property.
func additionalExact(m map[string]any, c *collected, isFalse bool) string {
	own, _ := m["properties"].(map[string]any)
	for _, name := range c.propOrder {
		if _, ok := own[name]; !ok {
			return fmt.Sprintf("property %q is declared by another schema of the same value, which additionalProperties here does not see", name)
		}
	}
	ownPat, _ := m["patternProperties"].(map[string]any)
	for _, src := range c.patOrder {
		if _, ok := ownPat[src]; !ok {
			return fmt.Sprintf("patternProperties %q comes from another schema of the same value, which additionalProperties here does not see", src)
		}
	}
	if isFalse {
		for _, name := range c.reqOrder {
			if _, declared := c.props[name]; !declared {
				return fmt.Sprintf("required property %q is declared nowhere and additionalProperties is false", name)
			}
		}
	}
	return ""
}

// patternPropsExact: generation draws undeclared names from one pattern
// and gives declared properties their own schema only, so it is exact
// with one pattern that no declared or required name matches.
func (p *planner) patternPropsExact(c *collected) string {
	if len(c.patOrder) != 1 {
		return "a name may match several patterns, whose schemas are not merged"
	}
	pt := p.pattern(c.patOrder[0])
	if why := patternExact(pt); why != "" {
		return why
	}
	for _, name := range append(append([]string(nil), c.propOrder...), c.reqOrder...) {
		if pt.matches(name) {
			return fmt.Sprintf("declared property %q also matches the pattern, whose schema it is not generated for", name)
		}
	}
	return ""
}

// patternExact: strings are checked with the Go regexp the validator
// compiles too, which proves them only when Go read the pattern as is.
func patternExact(pt *pattern) string {
	switch {
	case pt.err != nil:
		return pt.err.Error()
	case pt.re == nil:
		return "the pattern does not compile"
	case pt.translated:
		return "Go's regexp reads the pattern only after translation from ECMA-262"
	}
	return ""
}

// scalarOnly says whether every value n generates is a string, number,
// boolean or null: uniqueness is then plain equality.
func scalarOnly(n *node, depth int) bool {
	if depth > maxCheckDepth {
		return false
	}
	if len(n.alts) > 0 {
		for _, a := range n.alts {
			if a.err == nil && !scalarOnly(a, depth+1) {
				return false
			}
		}
		return true
	}
	if n.hasConst {
		return jsonType(n.constVal)&(tObject|tArray) == 0
	}
	if n.enum != nil {
		for _, v := range n.enum {
			if jsonType(v)&(tObject|tArray) != 0 {
				return false
			}
		}
		return true
	}
	ts := n.types
	if ts == tAll {
		ts = impliedType(n)
	}
	return ts&(tObject|tArray) == 0
}

// planExactness looks at every node the event reaches. What Daily's
// envelope treatment writes is checked against its node as it is written
// (propValue, dailyPlan.shape and derive), so it needs no look here.
func (g *Generator) planExactness(ep *eventPlan) *inexact {
	seen := map[*node]bool{}
	stack := []*node{ep.root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n == nil || seen[n] {
			continue
		}
		seen[n] = true
		if n.inexact != nil {
			return n.inexact
		}
		if ep.daily != nil && n.maxProps >= 0 {
			// Daily's shapes add declared properties after generation.
			return &inexact{kw: "maxProperties", ptr: n.ptr, why: "Daily's payload shapes add properties after the count is settled"}
		}
		stack = append(stack, n.children()...)
	}
	return nil
}

// Exactness is whether an event's plan is valid by construction.
type Exactness struct {
	Event string `json:"event"`
	// Exact events skip the second, full validation unless the generator
	// validates every event (WithValidateAll).
	Exact bool `json:"exact"`
	// Reason names the first keyword, with its location, that keeps the
	// event from being exact; "" when it is.
	Reason string `json:"reason,omitempty"`
}

// Exactness reports whether e's plan is exact, and if not, why.
func (g *Generator) Exactness(e *spec.Event) Exactness {
	ep, _ := g.planOf(Request{Def: e})
	out := Exactness{Event: e.Name, Exact: ep.exact}
	if why := ep.inexact; why != nil {
		out.Reason = fmt.Sprintf("%s at %s: %s", why.kw, g.spec.Where(why.ptr), why.why)
	}
	return out
}

// Exact reports whether e's events are valid by construction.
func (g *Generator) Exact(e *spec.Event) bool { return g.Exactness(e).Exact }
