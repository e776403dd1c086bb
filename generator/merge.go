package generator

import (
	"fmt"
	"maps"
	"math/big"
	"slices"
	"sort"
	"strconv"

	"github.com/hookmock/hookmock/spec"
)

// merge folds one schema object's keywords into n. Where two schemas set
// the same bound, the tighter one wins; annotations come from the first
// schema that has them, so 3.1 $ref siblings override their target.
func (p *planner) merge(n *node, c *collected, r schemaRef) error {
	m := r.raw.(map[string]any)
	where := func(kw string) string { return p.s.Where(spec.Join(r.ptr, kw)) }
	if t, ok := m["type"]; ok {
		var ts jtype
		switch tv := t.(type) {
		case string:
			ts = parseType(tv)
		case []any:
			for _, x := range tv {
				if s, ok := x.(string); ok {
					ts |= parseType(s)
				}
			}
		}
		n.types &= ts
		n.typed = true
		c.typeSrc = append(c.typeSrc, fmt.Sprintf("%s at %s", ts, spec.Join(r.ptr, "type")))
	}
	if v, ok := m["const"]; ok {
		cv := fromJSON(v)
		if n.hasConst && !equalJSON(n.constVal, cv) {
			return fmt.Errorf("%s: two different consts apply to the same value", where("const"))
		}
		n.hasConst, n.constVal = true, cv
	}
	if e, ok := m["enum"].([]any); ok {
		vals := make([]any, 0, len(e))
		for _, v := range e {
			cv := fromJSON(v)
			if n.enum == nil || containsValue(n.enum, cv) {
				vals = append(vals, cv)
			}
		}
		if len(vals) == 0 {
			return fmt.Errorf("%s: the enum leaves no value", where("enum"))
		}
		n.enum = vals
	}
	if v, ok := intKeyword(m, "minLength"); ok && v > n.minLen {
		n.minLen = v
	}
	if v, ok := intKeyword(m, "maxLength"); ok && (n.maxLen < 0 || v < n.maxLen) {
		n.maxLen = v
	}
	if s, ok := m["pattern"].(string); ok {
		n.patterns = append(n.patterns, p.pattern(s))
	}
	if f, ok := m["format"].(string); ok && n.format == "" {
		n.format = f
	}
	mergeNumbers(&n.num, m)
	if props, ok := m["properties"].(map[string]any); ok {
		for _, name := range p.propertyOrder(r.ptr, props) {
			if _, seen := c.props[name]; !seen {
				c.propOrder = append(c.propOrder, name)
			}
			c.props[name] = append(c.props[name], schemaRef{ptr: spec.Join(r.ptr, "properties", name), raw: props[name]})
		}
	}
	if req, ok := m["required"].([]any); ok {
		for _, x := range req {
			if s, ok := x.(string); ok && !c.required[s] {
				c.required[s] = true
				c.reqOrder = append(c.reqOrder, s)
			}
		}
	}
	for _, kw := range []string{"additionalProperties", "unevaluatedProperties"} {
		switch a := m[kw].(type) {
		case bool:
			if !a {
				n.addlFalse = true
			}
		case map[string]any:
			if kw == "additionalProperties" {
				c.addl = append(c.addl, schemaRef{ptr: r.ptr + "/" + kw, raw: a})
			}
		}
	}
	if pp, ok := m["patternProperties"].(map[string]any); ok {
		for _, src := range slices.Sorted(maps.Keys(pp)) {
			if _, seen := c.patProps[src]; !seen {
				c.patOrder = append(c.patOrder, src)
			}
			c.patProps[src] = append(c.patProps[src], schemaRef{ptr: spec.Join(r.ptr, "patternProperties", src), raw: pp[src]})
		}
	}
	if pn, ok := m["propertyNames"]; ok {
		c.propNames = append(c.propNames, schemaRef{ptr: r.ptr + "/propertyNames", raw: pn})
	}
	if v, ok := intKeyword(m, "minProperties"); ok && v > n.minProps {
		n.minProps = v
	}
	if v, ok := intKeyword(m, "maxProperties"); ok && (n.maxProps < 0 || v < n.maxProps) {
		n.maxProps = v
	}
	if dr, ok := m["dependentRequired"].(map[string]any); ok {
		if n.depReq == nil {
			n.depReq = map[string][]string{}
		}
		for _, k := range slices.Sorted(maps.Keys(dr)) {
			list, _ := dr[k].([]any)
			for _, x := range list {
				if s, ok := x.(string); ok {
					n.depReq[k] = append(n.depReq[k], s)
				}
			}
		}
	}
	switch it := m["items"].(type) {
	case bool:
		if !it {
			n.itemsFalse = true
		}
	case map[string]any:
		c.items = append(c.items, schemaRef{ptr: r.ptr + "/items", raw: it})
	}
	if pi, ok := m["prefixItems"].([]any); ok {
		for i, sub := range pi {
			if i >= len(c.prefix) {
				c.prefix = append(c.prefix, nil)
			}
			c.prefix[i] = append(c.prefix[i], schemaRef{ptr: r.ptr + "/prefixItems/" + strconv.Itoa(i), raw: sub})
		}
	}
	if v, ok := intKeyword(m, "minItems"); ok && v > n.minItems {
		n.minItems = v
	}
	if v, ok := intKeyword(m, "maxItems"); ok && (n.maxItems < 0 || v < n.maxItems) {
		n.maxItems = v
	}
	if u, ok := m["uniqueItems"].(bool); ok && u {
		n.unique = true
	}
	if ct, ok := m["contains"]; ok {
		c.contains = append(c.contains, schemaRef{ptr: r.ptr + "/contains", raw: ct})
		n.minContains = 1
	}
	if v, ok := intKeyword(m, "minContains"); ok {
		n.minContains = v
	}
	if v, ok := intKeyword(m, "maxContains"); ok {
		n.maxContains = v
	}
	if f, ok := m["x-faker"].(string); ok && n.faker == "" {
		n.faker = f
	}
	if w, ok := m["writeOnly"].(bool); ok && w {
		n.writeOnly = true
	}
	if ex, ok := m["examples"].([]any); ok {
		c.examples = append(c.examples, ex...)
	}
	for _, kw := range []string{"example", "default"} {
		if v, ok := m[kw]; ok {
			c.examples = append(c.examples, v)
		}
	}
	if d, ok := m["description"].(string); ok {
		c.examples = append(c.examples, describedValues(d)...)
		n.sha = n.sha || shaWord.MatchString(d)
	}
	return nil
}

// propertyOrder keeps the author's order when the source has lines (YAML)
// and falls back to names otherwise, so output never depends on map order.
func (p *planner) propertyOrder(ptr string, props map[string]any) []string {
	names := slices.Sorted(maps.Keys(props))
	lines := make(map[string]int, len(names))
	for _, k := range names {
		l, ok := p.s.Line(spec.Join(ptr, "properties", k))
		if !ok {
			return names
		}
		lines[k] = l
	}
	sort.SliceStable(names, func(i, j int) bool { return lines[names[i]] < lines[names[j]] })
	return names
}

func mergeNumbers(ns *numSpec, m map[string]any) {
	tighten := func(cur **big.Rat, curExcl *bool, v *big.Rat, excl bool, lower bool) {
		if *cur == nil {
			*cur, *curExcl = v, excl
			return
		}
		c := v.Cmp(*cur)
		if (lower && c > 0) || (!lower && c < 0) || (c == 0 && excl) {
			*cur, *curExcl = v, excl || (c == 0 && *curExcl)
		}
	}
	if v, ok := ratOf(m["minimum"]); ok {
		tighten(&ns.min, &ns.minExcl, v, false, true)
	}
	if v, ok := ratOf(m["exclusiveMinimum"]); ok {
		tighten(&ns.min, &ns.minExcl, v, true, true)
	}
	if v, ok := ratOf(m["maximum"]); ok {
		tighten(&ns.max, &ns.maxExcl, v, false, false)
	}
	if v, ok := ratOf(m["exclusiveMaximum"]); ok {
		tighten(&ns.max, &ns.maxExcl, v, true, false)
	}
	if v, ok := ratOf(m["multipleOf"]); ok && v.Sign() > 0 {
		ns.multipleOf = append(ns.multipleOf, v)
	}
}

// intKeyword reads a count such as minLength. Counts beyond any instance
// the generator could make are kept as a huge number, not dropped: a
// dropped minLength used to be generated as a short string and reported
// as a generator bug, where the schema is what asks too much.
func intKeyword(m map[string]any, kw string) (int, bool) {
	r, ok := ratOf(m[kw])
	if !ok || !r.IsInt() || r.Sign() < 0 {
		return 0, false
	}
	if !r.Num().IsInt64() || r.Num().Int64() > maxCount {
		return maxCount, true
	}
	return int(r.Num().Int64()), true
}

// maxCount is where counts saturate.
const maxCount = 1 << 40
