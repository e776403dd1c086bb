package generator

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/hookmock/hookmock/spec"
)

// mutation is one candidate change, undoable so candidates can be tried
// in turn on the same body.
type mutation struct {
	ptr      string
	action   string
	keywords []string // violation keywords that prove the intended reason
	do, undo func()
}

// site is one value of the body with the schema node that governs it.
type site struct {
	ptr  string
	slot *node // the node as declared, alternatives included
	v    any
	set  func(any) // nil for the root
}

// collectSites pairs every value of the body with its node.
func collectSites(n *node, v any, ptr string, set func(any), out *[]site, depth int) {
	if n == nil || depth > maxCheckDepth {
		return
	}
	*out = append(*out, site{ptr: ptr, slot: n, v: v, set: set})
	r := resolve(n, v)
	switch x := v.(type) {
	case *object:
		for i, mb := range x.m {
			collectSites(r.childFor(mb.k), mb.v, ptr+"/"+spec.Escape(mb.k), func(nv any) { x.m[i].v = nv }, out, depth+1)
		}
	case []any:
		for i := range x {
			i := i
			item := r.items
			if i < len(r.prefix) {
				item = r.prefix[i]
			}
			collectSites(item, x[i], fmt.Sprintf("%s/%d", ptr, i), func(nv any) { x[i] = nv }, out, depth+1)
		}
	}
}

// resolve finds the alternative that a value was generated from.
func resolve(n *node, v any) *node {
	for depth := 0; len(n.alts) > 0 && depth < maxCheckDepth; depth++ {
		next := n.alts[0]
		for _, a := range n.alts {
			if a.accepts(v, 0) {
				next = a
				break
			}
		}
		n = next
	}
	return n
}

func (n *node) childFor(k string) *node {
	if p := n.prop(k); p != nil {
		return p.n
	}
	for _, pp := range n.patProps {
		if pp.pat.matches(k) {
			return pp.n
		}
	}
	return n.addl
}

// everyAlt is true when cond holds for the node, or for each of its
// alternatives: a violation only shows when no branch can absorb it.
func everyAlt(n *node, cond func(*node) bool) bool {
	if len(n.alts) == 0 {
		return cond(n)
	}
	for _, a := range n.alts {
		if a.err == nil && !everyAlt(a, cond) {
			return false
		}
	}
	return true
}

func allowedTypes(n *node) jtype {
	if len(n.alts) == 0 {
		return n.types
	}
	var t jtype
	for _, a := range n.alts {
		if a.err == nil {
			t |= allowedTypes(a)
		}
	}
	return t
}

func (c *genCtx) mutations(kind Kind, sites []site) []mutation {
	var out []mutation
	for _, s := range sites {
		switch kind {
		case MissingRequired:
			o, ok := s.v.(*object)
			if !ok {
				continue
			}
			for _, p := range resolve(s.slot, s.v).props {
				if i := o.index(p.name); p.required && i >= 0 {
					out = append(out, removal(o, i, s.ptr))
				}
			}
		case WrongType:
			if s.set == nil || !everyAlt(s.slot, func(n *node) bool { return n.typed }) {
				continue
			}
			if repl, ok := wrongValue(s.v, allowedTypes(s.slot)); ok {
				out = append(out, replacement(s, repl, []string{"type"}))
			}
		case PatternBreak:
			str, isStr := s.v.(string)
			if !isStr || s.set == nil || !everyAlt(s.slot, stringRule) {
				continue
			}
			if repl, ok := breakString(s.slot, str); ok {
				out = append(out, replacement(s, repl, []string{"pattern", "format"}))
			}
		case EnumBreak:
			if s.set == nil || !everyAlt(s.slot, func(n *node) bool { return n.hasConst || n.enum != nil }) {
				continue
			}
			if repl, ok := outsideEnum(s.slot, s.v); ok {
				out = append(out, replacement(s, repl, []string{"enum", "const"}))
			}
		}
	}
	return out
}

func removal(o *object, i int, parent string) mutation {
	k, v := o.m[i].k, o.m[i].v
	return mutation{
		ptr:      parent + "/" + spec.Escape(k),
		action:   fmt.Sprintf("removed required property %q", k),
		keywords: []string{"required"},
		do:       func() { o.del(k) },
		undo:     func() { o.insert(i, k, v) },
	}
}

func replacement(s site, repl any, keywords []string) mutation {
	old := s.v
	return mutation{
		ptr:      s.ptr,
		action:   fmt.Sprintf("replaced %s with %s", describe(old), describe(repl)),
		keywords: keywords,
		do:       func() { s.set(repl) },
		undo:     func() { s.set(old) },
	}
}

func describe(v any) string {
	b := appendJSON(nil, v)
	if len(b) > 60 {
		b = append(b[:57], "..."...)
	}
	return jsonType(v).String() + " " + string(b)
}

func stringRule(n *node) bool {
	if len(n.patterns) > 0 {
		return true
	}
	return assertedFormats[n.format]
}

// wrongValue finds a value whose type the schema does not allow, shaped
// like the original where possible ("42" for 42).
func wrongValue(v any, allowed jtype) (any, bool) {
	var cands []any
	switch t := v.(type) {
	case json.Number:
		cands = append(cands, string(t))
	case bool:
		cands = append(cands, fmt.Sprint(t))
	case string:
		cands = append(cands, json.Number("12345"), true)
	}
	cands = append(cands, "unexpected", json.Number("42"), json.Number("4.2"), true, nil, []any{}, newObject(0))
	for _, c := range cands {
		if allowed&jsonType(c) == 0 {
			return c, true
		}
	}
	return nil, false
}

// badFormats are values each asserted format rejects.
var badFormats = map[string]string{
	"uuid": "not-a-uuid", "date-time": "yesterday at noon", "date": "2026-02-30", "time": "25:61:00",
	"email": "no-at-sign.example.com", "hostname": "-bad_host-", "ipv4": "256.300.1.1", "ipv6": "not:an:ipv6::zz",
	"uri": "not a uri", "iri": "not a uri", "uri-reference": `\\bad`, "iri-reference": `\\bad`,
	"uri-template": "https://example.com/{unclosed", "duration": "P1Y2", "period": "no-slash",
	"json-pointer": "no-leading-slash", "relative-json-pointer": "/abs", "semver": "1.2", "regex": "([unclosed",
}

func breakString(n *node, s string) (string, bool) {
	var cands []string
	collectBad(n, &cands)
	cands = append(cands, "!"+s, s+"!", "", " ", "\x01")
	for _, c := range cands {
		if !n.accepts(c, 0) {
			return c, true
		}
	}
	return "", false
}

func collectBad(n *node, out *[]string) {
	for _, a := range n.alts {
		collectBad(a, out)
	}
	if b, ok := badFormats[n.format]; ok {
		*out = append(*out, b)
	}
}

func outsideEnum(n *node, v any) (any, bool) {
	var cands []any
	switch t := v.(type) {
	case string:
		cands = append(cands, t+"-invalid", "invalid", "")
	case json.Number:
		if r, ok := ratOf(t); ok {
			cands = append(cands, formatRat(r.Add(r, big.NewRat(1, 1))), json.Number("-1"), json.Number("999999"))
		}
	case bool:
		cands = append(cands, !t)
	default:
		return nil, false
	}
	for _, c := range cands {
		if !n.accepts(c, 0) && allowedTypes(n)&jsonType(c) != 0 {
			return c, true
		}
	}
	return nil, false
}

// malform breaks the bytes themselves. Each way is chosen to look like a
// real-world failure: a cut-off body, a trailing comma, a bare key.
func malform(r *rng, raw []byte) ([]byte, string) {
	type way struct {
		ok     bool
		do     func() []byte
		action string
	}
	cut := 1 + r.IntN(max(len(raw)-1, 1))
	ways := []way{
		{len(raw) > 1, func() []byte { return append([]byte(nil), raw[:cut]...) },
			fmt.Sprintf("cut the body after byte %d of %d", cut, len(raw))},
		{len(raw) > 2 && raw[len(raw)-1] == '}' && raw[len(raw)-2] != '{', func() []byte {
			out := append([]byte(nil), raw[:len(raw)-1]...)
			return append(out, ",}"...)
		}, "added a trailing comma before the closing brace"},
		{len(raw) > 2 && raw[0] == '{' && raw[1] == '"', func() []byte {
			end := strings.IndexByte(string(raw[2:]), '"') + 2
			out := append([]byte("{"), raw[2:end]...)
			return append(out, raw[end+1:]...)
		}, "removed the quotes around the first key"},
	}
	for range ways {
		w := ways[r.IntN(len(ways))]
		if w.ok {
			return w.do(), w.action
		}
	}
	return append([]byte(nil), raw[:len(raw)/2]...), fmt.Sprintf("cut the body after byte %d of %d", len(raw)/2, len(raw))
}
