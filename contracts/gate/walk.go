package gate

import (
	"fmt"
	"math"
	"strconv"

	"github.com/hookmock/hookmock/spec"
)

// mode carries what a schema's position means for its comparison. It is
// part of the memo key: the same component compared in another mode may
// give other findings.
type mode uint8

const (
	// modeRoot marks an event body: its `version` property is the
	// envelope version, whose value is what the semver check reads.
	modeRoot mode = 1 << iota
	// modeVersion hides the envelope version's values (const, enum,
	// default, examples): bumping them is the point, not a finding.
	modeVersion
	// modeShape compares a plain schema with the matching anyOf/oneOf
	// branch of its counterpart: types and documentation were judged one
	// level up, only the shape (properties, constraints…) is left.
	modeShape
)

// ruleKind says in which phase of a pair comparison a rule runs.
type ruleKind uint8

const (
	kindShape ruleKind = iota // properties, values, constraints
	kindType                  // types and anyOf/oneOf variants
	kindDocs                  // annotations
)

// relFinding is a finding relative to the pair it was found in, so that a
// component's findings are computed once and placed under every path that
// reaches it.
type relFinding struct {
	rule           *Rule
	override       *Impact // a schema marker's say (x-extensible-enum)
	oldPtr, newPtr string
	path           string // message location relative to the pair
	msg            string
}

type pairKey struct {
	o, n string
	dir  spec.Direction
	mode mode
}

type comparer struct {
	old, new *doc
	rules    []*Rule
	memo     map[pairKey][]relFinding
	onStack  map[pairKey]int
	clean    map[string]int8 // see isClean
}

func newComparer(o, n *spec.Spec) *comparer {
	return &comparer{old: newDoc(o), new: newDoc(n), rules: schemaRules(),
		memo: map[pairKey][]relFinding{}, onStack: map[pairKey]int{}, clean: map[string]int8{}}
}

// pair is one old/new schema pair under comparison; rules read it and emit.
type pair struct {
	c    *comparer
	o, n *view
	dir  spec.Direction
	mode mode
	// ownTypesOnly: both sides branch (anyOf/oneOf), so the variant rules
	// judge the branches and the type rules only the `type` keywords.
	ownTypesOnly bool
	// Variant matching, done once for the variant rules and the walk.
	matched          [][2]spec.Schema
	added, removed   []spec.Schema
	addedT, removedT []typeSet
	out              []relFinding
	deltas           *[]delta // constraintDeltas' cache
}

func (p *pair) emit(r *Rule, oldPtr, newPtr, format string, args ...any) {
	p.emitAt(r, "", oldPtr, newPtr, format, args...)
}

// emitAt records a finding about a child location (a property name).
func (p *pair) emitAt(r *Rule, token, oldPtr, newPtr, format string, args ...any) {
	path := ""
	if token != "" {
		path = "/" + spec.Escape(token)
	}
	p.out = append(p.out, relFinding{rule: r, oldPtr: oldPtr, newPtr: newPtr, path: path, msg: fmt.Sprintf(format, args...)})
}

// kwPtr is where a keyword is, or would be, in a view.
func kwPtr(v *view, k string) string {
	if l, ok := v.kw[k]; ok {
		return l.ptr
	}
	return spec.Join(v.ptr, k)
}

const noCycle = math.MaxInt

// compare walks one schema pair and returns its findings. Pairs are
// memoized; a pair reached again while on the walk stack (a recursive
// schema) contributes nothing the second time. low is the lowest stack
// depth such a cycle reached: results that depend on an unfinished pair
// above them are not memoized, or a later walk entering the cycle
// elsewhere would miss findings.
func (c *comparer) compare(os, ns spec.Schema, dir spec.Direction, m mode) (res []relFinding, low int) {
	os, ns = c.old.canonical(os), c.new.canonical(ns)
	if os.Ptr == ns.Ptr && c.isClean(os.Ptr) {
		return nil, noCycle
	}
	o, n := c.old.view(os), c.new.view(ns)
	if (len(o.variants) > 0) != (len(n.variants) > 0) {
		// One side spells nullability as anyOf [null, X]: compare X.
		o, n = c.old.nullView(os), c.new.nullView(ns)
	}
	key := pairKey{o.ptr, n.ptr, dir, m}
	if r, ok := c.memo[key]; ok {
		return r, noCycle
	}
	if d, ok := c.onStack[key]; ok {
		return nil, d
	}
	depth := len(c.onStack)
	c.onStack[key] = depth
	defer delete(c.onStack, key)

	if m&modeVersion != 0 {
		o = o.without(versionValueKeywords...)
		n = n.without(versionValueKeywords...)
	}
	p := &pair{c: c, o: o, n: n, dir: dir, mode: m}
	low = noCycle
	sub := func(token string, os, ns spec.Schema, cm mode) {
		r, l := c.compare(os, ns, dir, cm)
		low = min(low, l)
		prefix := ""
		if token != "" {
			prefix = "/" + spec.Escape(token)
		}
		for _, f := range r {
			f.path = prefix + f.path
			p.out = append(p.out, f)
		}
	}

	if o.boolean != nil || n.boolean != nil {
		booleanChange(p)
		return p.finish(key, depth, low)
	}
	ov, nv := len(o.variants) > 0, len(n.variants) > 0
	shapeOnly := m&modeShape != 0
	switch {
	case ov && nv:
		p.ownTypesOnly = true
		p.matchVariants(o.variants, n.variants)
	case ov != nv && !shapeOnly:
		p.matchPlain(ov)
	}
	for _, r := range c.rules {
		if shapeOnly && r.kind() != kindShape || ov != nv && !shapeOnly && r.kind() == kindShape {
			continue
		}
		r.check(p, r)
	}
	if ov != nv && !shapeOnly {
		// Only one side branches: the plain side is compared, for shape,
		// with the branch that matches it (if any).
		for _, mp := range p.matched {
			sub("", mp[0], mp[1], modeShape)
		}
		return p.finish(key, depth, low)
	}
	for _, mp := range p.matched {
		sub("", mp[0], mp[1], 0)
	}
	for _, name := range o.names {
		if ns, ok := n.props[name]; ok {
			cm := mode(0)
			if m&modeRoot != 0 && name == "version" {
				cm = modeVersion
			}
			sub(name, o.props[name], ns, cm)
		}
	}
	for _, k := range []string{"items", "additionalProperties"} {
		oi, ook := o.kw[k]
		ni, nok := n.kw[k]
		if !ook || !nok {
			continue
		}
		if _, isMap := oi.v.(map[string]any); !isMap {
			continue
		}
		if _, isMap := ni.v.(map[string]any); !isMap {
			continue
		}
		sub("*", spec.Schema{Ptr: oi.ptr, Raw: oi.v}, spec.Schema{Ptr: ni.ptr, Raw: ni.v}, 0)
	}
	if op, ok := o.kw["prefixItems"]; ok {
		if np, ok := n.kw["prefixItems"]; ok {
			oa, _ := op.v.([]any)
			na, _ := np.v.([]any)
			for i := range min(len(oa), len(na)) {
				ix := strconv.Itoa(i)
				sub(ix, spec.Schema{Ptr: op.ptr + "/" + ix, Raw: oa[i]}, spec.Schema{Ptr: np.ptr + "/" + ix, Raw: na[i]}, 0)
			}
		}
	}
	return p.finish(key, depth, low)
}

var versionValueKeywords = []string{"const", "enum", "default", "examples", "example"}

func (p *pair) finish(key pairKey, depth, low int) ([]relFinding, int) {
	if low >= depth {
		p.c.memo[key] = p.out
		low = noCycle
	}
	return p.out, low
}

// matchPlain pairs a plain schema with the branch of its counterpart that
// admits its types. Branches that admit other types are the type rules'
// business; the rest are variants added or removed.
func (p *pair) matchPlain(oldBranches bool) {
	plain, branches, d := p.n, p.o.variants, p.c.old
	if !oldBranches {
		plain, branches, d = p.o, p.n.variants, p.c.new
	}
	pt, _ := plain.ownTypes()
	plainSchema := spec.Schema{Ptr: plain.ptr, Raw: map[string]any{}}
	if oldBranches {
		plainSchema.Raw, _ = p.c.new.s.At(plain.ptr)
	} else {
		plainSchema.Raw, _ = p.c.old.s.At(plain.ptr)
	}
	matched := false
	for _, b := range branches {
		bt := d.types(d.view(b), 0)
		switch {
		case !matched && bt&pt == bt:
			matched = true
			if oldBranches {
				p.matched = append(p.matched, [2]spec.Schema{b, plainSchema})
			} else {
				p.matched = append(p.matched, [2]spec.Schema{plainSchema, b})
			}
		case bt&pt == bt:
			if oldBranches {
				p.removed, p.removedT = append(p.removed, b), append(p.removedT, bt)
			} else {
				p.added, p.addedT = append(p.added, b), append(p.addedT, bt)
			}
		}
	}
}
