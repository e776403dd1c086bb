package generator

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"sync"

	"github.com/hookmock/hookmock/spec"
)

// A plan is a schema compiled for generation: $refs resolved, allOf merged
// into one set of constraints, and oneOf/anyOf distributed into
// alternatives that each carry the shared constraints. Nodes are built once
// per Generator and never change afterwards, so generation reads them
// without locks.

// schemaRef is one schema location taking part in a node.
type schemaRef struct {
	ptr string
	raw any
	// negate marks a schema the value must NOT match (an if/then/else
	// branch's failed `if`).
	negate bool
}

type node struct {
	ptr   string // first contributing location, for messages
	types jtype
	typed bool // a `type` keyword applies (so a wrong type is reported as such)

	hasConst bool
	constVal any
	enum     []any // nil when there is no enum

	minLen, maxLen int // maxLen < 0: unbounded
	patterns       []*pattern
	format         string

	num numSpec

	props     []*prop
	propIndex map[string]int
	addl      *node // additionalProperties schema, nil when unconstrained
	addlFalse bool
	patProps  []patProp
	propNames *node
	minProps  int
	maxProps  int
	depReq    map[string][]string

	items       *node
	itemsFalse  bool
	prefix      []*node
	minItems    int
	maxItems    int
	unique      bool
	contains    *node
	minContains int
	maxContains int

	// alts replace the node when it has oneOf/anyOf: each is the node's own
	// constraints merged with one branch. exclusive is oneOf's "exactly one".
	alts      []*node
	exclusive bool
	not       []*node

	faker     string
	examples  []any // scalar examples/defaults/described values the node accepts
	sha       bool  // its description calls it a SHA (see words.go)
	shape     idShape
	shapeLen  int // the examples' id shape, read once (see exampleShape)
	writeOnly bool

	// err is a reason no value can be generated here; it only matters if
	// generation actually reaches the node.
	err error
	// inexact is why the node's values are not valid by construction
	// (nil: they are; see exact.go).
	inexact *inexact
	// unsat marks an err that proves no value is valid here (types that
	// contradict, two consts, an empty enum), so that the validator too
	// finds no value matching the node.
	unsat bool
}

type prop struct {
	name     string
	n        *node
	required bool
	hint     hint
}

type patProp struct {
	pat *pattern
	n   *node
}

type numSpec struct {
	min, max         *big.Rat
	minExcl, maxExcl bool
	multipleOf       []*big.Rat
}

type planner struct {
	s        *spec.Spec
	mu       sync.Mutex
	nodes    map[string]*node
	patterns map[string]*pattern
	// sizes and maxBytes bound instances (see bound).
	sizes    map[*node]int
	maxBytes int
}

func newPlanner(s *spec.Spec) *planner {
	return &planner{s: s, nodes: map[string]*node{}, patterns: map[string]*pattern{}}
}

// root compiles an event body. Callers hold no lock; compilation is
// serialised because nodes are shared between events.
func (p *planner) root(sc spec.Schema) *node {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.build([]schemaRef{{ptr: sc.Ptr, raw: sc.Raw}}, nil)
	p.bound(n)
	return n
}

func cacheKey(refs []schemaRef, consumed []string) string {
	var b strings.Builder
	for _, r := range refs {
		if r.negate {
			b.WriteByte('!')
		}
		b.WriteString(r.ptr)
		b.WriteByte(0)
	}
	for _, c := range consumed {
		b.WriteByte('|')
		b.WriteString(c)
	}
	return b.String()
}

// group is a oneOf, anyOf or if/then/else at some location.
type group struct {
	ptr       string
	exclusive bool
	branches  [][]schemaRef
}

type expansion struct {
	maps   []schemaRef
	groups []group
	nots   []schemaRef
}

// expand flattens $ref and allOf into the list of schema objects that all
// apply to the same instance, collecting applicators for later.
func (p *planner) expand(refs []schemaRef) (expansion, error) {
	var x expansion
	seen := map[string]bool{}
	var visit func(r schemaRef) error
	visit = func(r schemaRef) error {
		if r.negate {
			x.nots = append(x.nots, schemaRef{ptr: r.ptr, raw: r.raw})
			return nil
		}
		switch raw := r.raw.(type) {
		case bool:
			if !raw {
				return fmt.Errorf("%s: the schema is `false`, so no value is valid here", p.s.Where(r.ptr))
			}
			return nil
		case nil:
			return nil
		case map[string]any:
			if seen[r.ptr] {
				return nil
			}
			seen[r.ptr] = true
			x.maps = append(x.maps, r)
			if ref, ok := raw["$ref"].(string); ok {
				target, err := p.s.Deref(spec.Schema{Ptr: r.ptr, Raw: map[string]any{"$ref": ref}})
				if err != nil {
					return err
				}
				if err := visit(schemaRef{ptr: target.Ptr, raw: target.Raw}); err != nil {
					return err
				}
			}
			if all, ok := raw["allOf"].([]any); ok {
				for i, sub := range all {
					if err := visit(schemaRef{ptr: r.ptr + "/allOf/" + strconv.Itoa(i), raw: sub}); err != nil {
						return err
					}
				}
			}
			for _, kw := range []string{"oneOf", "anyOf"} {
				subs, ok := raw[kw].([]any)
				if !ok {
					continue
				}
				g := group{ptr: r.ptr + "/" + kw, exclusive: kw == "oneOf"}
				for i, sub := range subs {
					g.branches = append(g.branches, []schemaRef{{ptr: g.ptr + "/" + strconv.Itoa(i), raw: sub}})
				}
				x.groups = append(x.groups, g)
			}
			if n, ok := raw["not"]; ok {
				x.nots = append(x.nots, schemaRef{ptr: r.ptr + "/not", raw: n})
			}
			if cond, ok := raw["if"]; ok {
				ifRef := schemaRef{ptr: r.ptr + "/if", raw: cond}
				g := group{ptr: ifRef.ptr}
				then := []schemaRef{ifRef}
				if t, ok := raw["then"]; ok {
					then = append(then, schemaRef{ptr: r.ptr + "/then", raw: t})
				}
				els := []schemaRef{{ptr: ifRef.ptr, raw: cond, negate: true}}
				if e, ok := raw["else"]; ok {
					els = append(els, schemaRef{ptr: r.ptr + "/else", raw: e})
				}
				g.branches = [][]schemaRef{then, els}
				x.groups = append(x.groups, g)
			}
			return nil
		}
		return fmt.Errorf("%s: a schema must be an object or a boolean", p.s.Where(r.ptr))
	}
	for _, r := range refs {
		if err := visit(r); err != nil {
			return x, err
		}
	}
	return x, nil
}

// collected holds child schema locations while a node's maps are merged.
type collected struct {
	propOrder []string
	props     map[string][]schemaRef
	required  map[string]bool
	reqOrder  []string
	addl      []schemaRef
	patProps  map[string][]schemaRef
	patOrder  []string
	propNames []schemaRef
	items     []schemaRef
	prefix    [][]schemaRef
	contains  []schemaRef
	examples  []any
	typeSrc   []string // "type X at location", to explain a contradiction
}

func (p *planner) build(refs []schemaRef, consumed []string) *node {
	key := cacheKey(refs, consumed)
	if n, ok := p.nodes[key]; ok {
		return n
	}
	n := &node{ptr: refs[0].ptr, types: tAll, maxLen: -1, maxProps: -1, maxItems: -1, maxContains: -1}
	p.nodes[key] = n
	x, err := p.expand(refs)
	if err != nil {
		n.err = err
		return n
	}
	c := collected{props: map[string][]schemaRef{}, required: map[string]bool{}, patProps: map[string][]schemaRef{}}
	for _, m := range x.maps {
		if err := p.merge(n, &c, m); err != nil {
			n.err, n.unsat = err, true
			return n
		}
	}
	if n.types == 0 {
		n.unsat = true
		n.err = fmt.Errorf("%s: no value can satisfy all of its schemas, their types contradict each other (%s)", p.s.Where(n.ptr), strings.Join(c.typeSrc, " vs "))
		return n
	}
	p.buildChildren(n, &c)
	for _, r := range x.nots {
		n.not = append(n.not, p.build([]schemaRef{r}, nil))
	}
	for _, g := range x.groups {
		if contains(consumed, g.ptr) {
			continue
		}
		// Distribute the first unconsumed group; the alternatives
		// distribute any further group themselves.
		n.exclusive = g.exclusive
		now := append(append([]string(nil), consumed...), g.ptr)
		for _, br := range g.branches {
			alt := p.build(append(append([]schemaRef(nil), refs...), br...), now)
			n.alts = append(n.alts, alt)
		}
		break
	}
	if len(n.alts) > 0 && !n.anyAlt() {
		n.err = fmt.Errorf("%s: no branch of this %s can be satisfied together with its sibling keywords", p.s.Where(n.ptr), groupWord(n.exclusive))
	}
	n.examples = n.filterExamples(c.examples)
	if n.types&tString != 0 {
		n.shape, n.shapeLen = exampleShape(n.examples)
	}
	n.inexact = p.exactness(n, &x, &c)
	return n
}

func groupWord(exclusive bool) string {
	if exclusive {
		return "oneOf"
	}
	return "anyOf"
}

func (n *node) anyAlt() bool {
	for _, a := range n.alts {
		if a.err == nil {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *planner) buildChildren(n *node, c *collected) {
	for _, name := range c.propOrder {
		pr := &prop{name: name, n: p.build(c.props[name], nil), required: c.required[name]}
		n.props = append(n.props, pr)
	}
	if len(c.addl) > 0 {
		n.addl = p.build(c.addl, nil)
	}
	for _, name := range c.reqOrder {
		if _, declared := c.props[name]; declared {
			continue
		}
		// Required but declared nowhere: any value will do unless
		// additionalProperties says otherwise.
		child := n.addl
		if child == nil {
			child = anyNode(n.ptr)
		}
		n.props = append(n.props, &prop{name: name, n: child, required: true})
	}
	if len(n.props) > 8 {
		n.propIndex = make(map[string]int, len(n.props))
		for i, pr := range n.props {
			n.propIndex[pr.name] = i
		}
	}
	for _, pr := range n.props {
		pr.hint = hintFor(pr.name)
	}
	for _, src := range c.patOrder {
		n.patProps = append(n.patProps, patProp{pat: p.pattern(src), n: p.build(c.patProps[src], nil)})
	}
	if len(c.propNames) > 0 {
		n.propNames = p.build(c.propNames, nil)
	}
	if len(c.items) > 0 {
		n.items = p.build(c.items, nil)
	}
	for _, refs := range c.prefix {
		n.prefix = append(n.prefix, p.build(refs, nil))
	}
	if len(c.contains) > 0 {
		n.contains = p.build(c.contains, nil)
	}
}

// anyNode stands for a schema that allows everything.
func anyNode(ptr string) *node {
	return &node{ptr: ptr, types: tAll, maxLen: -1, maxProps: -1, maxItems: -1, maxContains: -1}
}

func (p *planner) pattern(src string) *pattern {
	if pt, ok := p.patterns[src]; ok {
		return pt
	}
	pt := compilePattern(src)
	p.patterns[src] = pt
	return pt
}

func containsValue(list []any, v any) bool {
	for _, x := range list {
		if equalJSON(x, v) {
			return true
		}
	}
	return false
}

// filterExamples keeps the scalar examples the node accepts: the pool must
// never be a way for an invalid value to sneak in.
func (n *node) filterExamples(raw []any) []any {
	var out []any
	for _, v := range raw {
		cv := fromJSON(v)
		switch cv.(type) {
		case string, json.Number, bool:
		default:
			continue
		}
		if containsValue(out, cv) || !n.accepts(cv, 0) {
			continue
		}
		out = append(out, cv)
	}
	return out
}

// prop looks a declared property up by name.
func (n *node) prop(name string) *prop {
	if n.propIndex != nil {
		if i, ok := n.propIndex[name]; ok {
			return n.props[i]
		}
		return nil
	}
	for _, p := range n.props {
		if p.name == name {
			return p
		}
	}
	return nil
}
