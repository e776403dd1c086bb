package gate

import (
	"slices"
	"sort"

	"github.com/hookmock/hookmock/spec"
)

// Pairing anyOf/oneOf branches across versions decides what the variant
// rules and the walk see: a branch inserted at the front must not shift
// every later branch onto its neighbour, or each shifted pair reports
// properties removed and added that never changed. Branches therefore
// pair by what they are, and their position is the last resort:
//
//  1. the component they reference ($ref target);
//  2. their discriminating value: the discriminator's mapping key or
//     property value, else a property (or the branch itself) fixed by a
//     const or a one-value enum whose value no other branch shares;
//  3. the best structural match among branches of the same types (the
//     share of property names they have in common), when they share any;
//  4. the same position with the same types, then the first free branch
//     with the same types, then whatever is left, in order (a branch
//     that changed its type in place is a type change, not a removal
//     plus an addition).

// branch is one anyOf/oneOf branch as the pairing sees it.
type branch struct {
	s    spec.Schema
	ref  string // canonical pointer of a referenced component, or ""
	t    typeSet
	tags []string // discriminating values, "property=value" or "=value"
	v    *view
	used bool
}

func (d *doc) branches(ss []spec.Schema) []*branch {
	out := make([]*branch, len(ss))
	for i, s := range ss {
		b := &branch{s: s}
		if c := d.canonical(s); c.Ptr != s.Ptr {
			b.ref = c.Ptr
		}
		b.v = d.view(s)
		b.t = d.types(b.v, 0)
		out[i] = b
	}
	return out
}

// tag fills in the free branches' discriminating values.
func tag(parent *view, bs []*branch) {
	disc, mapping := discriminatorOf(parent)
	for _, b := range bs {
		if !b.used {
			b.tags = branchTags(b.v, b.s, disc, mapping)
		}
	}
}

// free tells whether some branch is still unpaired.
func free(bs []*branch) bool {
	for _, b := range bs {
		if !b.used {
			return true
		}
	}
	return false
}

// discriminatorOf reads an OpenAPI discriminator: its property name and
// its mapping inverted (reference → value).
func discriminatorOf(v *view) (prop string, byRef map[string]string) {
	l, ok := v.kw["discriminator"]
	if !ok {
		return "", nil
	}
	m, _ := l.v.(map[string]any)
	prop, _ = m["propertyName"].(string)
	mp, _ := m["mapping"].(map[string]any)
	for k, r := range mp {
		if s, ok := r.(string); ok {
			if byRef == nil {
				byRef = map[string]string{}
			}
			byRef[s] = k
		}
	}
	return prop, byRef
}

// branchTags lists the values that tell a branch apart from its siblings.
func branchTags(v *view, s spec.Schema, disc string, byRef map[string]string) []string {
	if disc != "" {
		if m, ok := s.Raw.(map[string]any); ok {
			if r, ok := m["$ref"].(string); ok {
				if k, ok := byRef[r]; ok {
					return []string{disc + "=" + enumKey(k)}
				}
			}
		}
		if p, ok := v.props[disc]; ok {
			if val, ok := fixedValue(p.Raw); ok {
				return []string{disc + "=" + enumKey(val)}
			}
		}
	}
	var tags []string
	if val, ok := fixedValue(s.Raw); ok {
		tags = append(tags, "="+enumKey(val))
	}
	for _, name := range v.names {
		if val, ok := fixedValue(v.props[name].Raw); ok {
			tags = append(tags, name+"="+enumKey(val))
		}
	}
	return tags
}

// fixedValue is the one value a schema allows by const or a one-value
// enum. A $ref'd property is not followed: a shared component's const
// is no branch's own mark.
func fixedValue(raw any) (any, bool) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, false
	}
	if c, ok := m["const"]; ok {
		return c, true
	}
	if e, ok := m["enum"].([]any); ok && len(e) == 1 {
		return e[0], true
	}
	return nil, false
}

// matchVariants pairs old and new anyOf/oneOf branches (see above).
func (p *pair) matchVariants(os, ns []spec.Schema) {
	ob, nb := p.c.old.branches(os), p.c.new.branches(ns)
	pairUp := func(o, n *branch) {
		o.used, n.used = true, true
		p.matched = append(p.matched, [2]spec.Schema{o.s, n.s})
	}
	match := func(same func(i, j int) bool) {
		for i, o := range ob {
			if o.used {
				continue
			}
			for j, n := range nb {
				if !n.used && same(i, j) {
					pairUp(o, n)
					break
				}
			}
		}
	}
	match(func(i, j int) bool { return ob[i].ref != "" && ob[i].ref == nb[j].ref })
	// Content matters only where both sides keep free branches and one
	// side has a choice.
	if free(ob) && free(nb) && (len(ob) > 1 || len(nb) > 1) {
		tag(p.o, ob)
		tag(p.n, nb)
		oc, nc := tagCounts(ob), tagCounts(nb)
		match(func(i, j int) bool { return sharesUniqueTag(ob[i], nb[j], oc, nc) })
		matchStructurally(ob, nb, pairUp)
	}
	match(func(i, j int) bool { return i == j && ob[i].ref == "" && nb[j].ref == "" && ob[i].t == nb[j].t })
	match(func(i, j int) bool { return ob[i].t == nb[j].t })
	match(func(i, j int) bool { return true })
	for _, o := range ob {
		if !o.used {
			p.removed, p.removedT = append(p.removed, o.s), append(p.removedT, o.t)
		}
	}
	for _, n := range nb {
		if !n.used {
			p.added, p.addedT = append(p.added, n.s), append(p.addedT, n.t)
		}
	}
}

// tagCounts counts, per side, how many free branches carry each tag.
func tagCounts(bs []*branch) map[string]int {
	c := map[string]int{}
	for _, b := range bs {
		if !b.used {
			for _, t := range b.tags {
				c[t]++
			}
		}
	}
	return c
}

// sharesUniqueTag: both branches carry a value that no other branch on
// either side carries, so it names the same alternative in both.
func sharesUniqueTag(o, n *branch, oc, nc map[string]int) bool {
	for _, t := range o.tags {
		if oc[t] == 1 && nc[t] == 1 && slices.Contains(n.tags, t) {
			return true
		}
	}
	return false
}

// matchStructurally pairs free branches of the same types by the share of
// property names they have in common, best pairs first; pairs that share
// none are left to position.
func matchStructurally(ob, nb []*branch, pairUp func(o, n *branch)) {
	type cand struct {
		i, j  int
		score float64
	}
	var cs []cand
	for i, o := range ob {
		if o.used || len(o.v.names) == 0 {
			continue
		}
		for j, n := range nb {
			if n.used || n.t != o.t || len(n.v.names) == 0 {
				continue
			}
			if s := overlap(o.v, n.v); s > 0 {
				cs = append(cs, cand{i, j, s})
			}
		}
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].score > cs[b].score })
	for _, c := range cs {
		if !ob[c.i].used && !nb[c.j].used {
			pairUp(ob[c.i], nb[c.j])
		}
	}
}

// overlap is the Jaccard index of two views' property names, with
// required names counted twice: they are what a reader relies on.
func overlap(o, n *view) float64 {
	var common, total float64
	weight := func(name string) float64 {
		_, ro := o.required[name]
		_, rn := n.required[name]
		if ro || rn {
			return 2
		}
		return 1
	}
	for _, name := range o.names {
		w := weight(name)
		total += w
		if _, ok := n.props[name]; ok {
			common += w
		}
	}
	for _, name := range n.names {
		if _, ok := o.props[name]; !ok {
			total += weight(name)
		}
	}
	if total == 0 {
		return 0
	}
	return common / total
}
