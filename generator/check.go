package generator

import (
	"encoding/json"
	"math/big"
	"unicode/utf8"
)

// accepts is a small, conservative validator over plan nodes. Generation
// uses it to pick among oneOf branches, to vet heuristic values, examples
// and call values, and to find where a negative variant can break the
// schema. It is never the last word: every event still goes through the
// spec package's validator.

const maxCheckDepth = 48

func (n *node) accepts(v any, depth int) bool {
	if n.err != nil || depth > maxCheckDepth {
		return false
	}
	if len(n.alts) > 0 {
		matched := 0
		for _, a := range n.alts {
			if a.accepts(v, depth+1) {
				matched++
				if !n.exclusive {
					break
				}
			}
		}
		if n.exclusive {
			return matched == 1
		}
		return matched > 0
	}
	if !n.acceptsOwn(v, depth) {
		return false
	}
	for _, x := range n.not {
		if x.accepts(v, depth+1) {
			return false
		}
	}
	return true
}

// acceptsOwn checks the node's merged keywords, ignoring alternatives.
func (n *node) acceptsOwn(v any, depth int) bool {
	t := jsonType(v)
	if t == 0 || n.types&t == 0 {
		return false
	}
	if n.hasConst && !equalJSON(n.constVal, v) {
		return false
	}
	if n.enum != nil && !containsValue(n.enum, v) {
		return false
	}
	switch x := v.(type) {
	case string:
		return n.acceptsString(x)
	case json.Number:
		return n.num.accepts(x)
	case *object:
		return n.acceptsObject(x, depth)
	case []any:
		return n.acceptsArray(x, depth)
	}
	return true
}

func (n *node) acceptsString(s string) bool {
	if n.minLen > 0 || n.maxLen >= 0 {
		l := utf8.RuneCountInString(s)
		if l < n.minLen || (n.maxLen >= 0 && l > n.maxLen) {
			return false
		}
	}
	for _, p := range n.patterns {
		if !p.matches(s) {
			return false
		}
	}
	return n.format == "" || formatOK(n.format, s)
}

func (ns *numSpec) accepts(v json.Number) bool {
	if ns.min == nil && ns.max == nil && len(ns.multipleOf) == 0 {
		return true
	}
	r, ok := new(big.Rat).SetString(string(v))
	if !ok {
		return false
	}
	if ns.min != nil {
		if c := r.Cmp(ns.min); c < 0 || (c == 0 && ns.minExcl) {
			return false
		}
	}
	if ns.max != nil {
		if c := r.Cmp(ns.max); c > 0 || (c == 0 && ns.maxExcl) {
			return false
		}
	}
	for _, m := range ns.multipleOf {
		if !new(big.Rat).Quo(r, m).IsInt() {
			return false
		}
	}
	return true
}

func (n *node) acceptsObject(o *object, depth int) bool {
	if len(o.m) < n.minProps || (n.maxProps >= 0 && len(o.m) > n.maxProps) {
		return false
	}
	for _, p := range n.props {
		if p.required {
			if _, ok := o.get(p.name); !ok {
				return false
			}
		}
	}
	for _, x := range o.m {
		k, v := x.k, x.v
		if reqs, ok := n.depReq[k]; ok {
			for _, r := range reqs {
				if _, has := o.get(r); !has {
					return false
				}
			}
		}
		if n.propNames != nil && !n.propNames.accepts(k, depth+1) {
			return false
		}
		matched := false
		if p := n.prop(k); p != nil {
			matched = true
			if !p.n.accepts(v, depth+1) {
				return false
			}
		}
		for _, pp := range n.patProps {
			if pp.pat.matches(k) {
				matched = true
				if !pp.n.accepts(v, depth+1) {
					return false
				}
			}
		}
		if matched {
			continue
		}
		if n.addlFalse || (n.addl != nil && !n.addl.accepts(v, depth+1)) {
			return false
		}
	}
	return true
}

func (n *node) acceptsArray(a []any, depth int) bool {
	if len(a) < n.minItems || (n.maxItems >= 0 && len(a) > n.maxItems) {
		return false
	}
	for i, v := range a {
		var item *node
		switch {
		case i < len(n.prefix):
			item = n.prefix[i]
		case n.itemsFalse:
			return false
		default:
			item = n.items
		}
		if item != nil && !item.accepts(v, depth+1) {
			return false
		}
	}
	if n.unique && hasDuplicate(a) {
		return false
	}
	if n.contains != nil {
		count := 0
		for _, v := range a {
			if n.contains.accepts(v, depth+1) {
				count++
			}
		}
		if count < n.minContains || (n.maxContains >= 0 && count > n.maxContains) {
			return false
		}
	}
	return true
}

func hasDuplicate(a []any) bool {
	for i := range a {
		for j := i + 1; j < len(a); j++ {
			if equalJSON(a[i], a[j]) {
				return true
			}
		}
	}
	return false
}
