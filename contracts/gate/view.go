package gate

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/hookmock/hookmock/spec"
)

// loc is a keyword value and the pointer of the keyword itself.
type loc struct {
	v   any
	ptr string
}

// view is one schema as a reader experiences it: the keywords of its $ref
// siblings, its $ref chain and its allOf branches merged into one object.
// Siblings win over $ref targets and earlier allOf branches over later
// ones; properties and required names are unioned, so that a property
// moved between allOf branches or components is not reported as a change.
type view struct {
	ptr      string // where the schema sits, after chains of bare $refs
	boolean  *bool  // set for boolean schemas
	kw       map[string]loc
	props    map[string]spec.Schema
	names    []string          // property names, sorted
	required map[string]string // name → pointer of its `required` entry
	// variants are the anyOf/oneOf branches (the first such keyword found).
	variants   []spec.Schema
	variantsKw loc
	// nullable: an anyOf/oneOf of null and one other branch was read as
	// that branch admitting null (see nullOr).
	nullable bool
	// nullOr: the schema's branches are such an anyOf/oneOf (read as
	// branches here; nullView reads them collapsed).
	nullOr bool
	// propsAt overrides where properties are declared (headers live in
	// the operation's parameters).
	propsAt string
}

// doc wraps one side of the comparison with a cache of views.
type doc struct {
	s         *spec.Spec
	views     map[string]*view
	nullViews map[string]*view // see nullView
}

func newDoc(s *spec.Spec) *doc {
	return &doc{s: s, views: map[string]*view{}, nullViews: map[string]*view{}}
}

// refTarget follows one $ref step. The loader has checked every $ref, so
// a failure here means the document changed under us; it degrades to an
// empty schema rather than stopping the gate.
func (d *doc) refTarget(ref string) (spec.Schema, bool) {
	if !strings.HasPrefix(ref, "#") {
		return spec.Schema{}, false
	}
	ptr, err := url.PathUnescape(ref[1:])
	if err != nil {
		return spec.Schema{}, false
	}
	v, ok := d.s.At(ptr)
	return spec.Schema{Ptr: ptr, Raw: v}, ok
}

// canonical follows bare $refs ({$ref: X} with nothing beside it) so that
// every use of a component shares one view and one comparison.
func (d *doc) canonical(sc spec.Schema) spec.Schema {
	for range 64 {
		m, ok := sc.Raw.(map[string]any)
		if !ok || len(m) != 1 {
			return sc
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return sc
		}
		t, ok := d.refTarget(ref)
		if !ok {
			return sc
		}
		sc = t
	}
	return sc
}

func (d *doc) view(sc spec.Schema) *view { return d.viewOf(sc, false) }

// nullView is the view with an anyOf/oneOf of null and one branch read as
// that branch admitting null (see nullable.go); the view itself when the
// schema has no such anyOf.
func (d *doc) nullView(sc spec.Schema) *view {
	if v := d.view(sc); !v.nullOr {
		return v
	}
	return d.viewOf(sc, true)
}

func (d *doc) viewOf(sc spec.Schema, collapse bool) *view {
	sc = d.canonical(sc)
	cache := d.views
	if collapse {
		cache = d.nullViews
	}
	if v, ok := cache[sc.Ptr]; ok {
		return v
	}
	v := &view{ptr: sc.Ptr, kw: map[string]loc{}, props: map[string]spec.Schema{}, required: map[string]string{}}
	cache[sc.Ptr] = v
	if b, ok := sc.Raw.(bool); ok {
		v.boolean = &b
		return v
	}
	seen := map[string]bool{}
	var collapsed []spec.Schema // see nullOr
	var add func(sc spec.Schema)
	add = func(sc spec.Schema) {
		m, ok := sc.Raw.(map[string]any)
		if !ok || seen[sc.Ptr] {
			return
		}
		seen[sc.Ptr] = true
		for _, k := range slices.Sorted(maps.Keys(m)) {
			val := m[k]
			switch k {
			case "$ref", "allOf":
			case "properties":
				ps, _ := val.(map[string]any)
				for _, name := range slices.Sorted(maps.Keys(ps)) {
					if _, dup := v.props[name]; !dup {
						v.props[name] = spec.Schema{Ptr: spec.Join(sc.Ptr, "properties", name), Raw: ps[name]}
					}
				}
			case "required":
				names, _ := val.([]any)
				for i, n := range names {
					if s, ok := n.(string); ok {
						if _, dup := v.required[s]; !dup {
							v.required[s] = fmt.Sprintf("%s/required/%d", sc.Ptr, i)
						}
					}
				}
			case "anyOf", "oneOf":
				b, isNullOr := nullOr(val)
				if isNullOr && v.variants == nil && len(collapsed) == 0 {
					v.nullOr = true
				}
				if collapse && isNullOr && v.variants == nil && len(collapsed) == 0 {
					v.nullable = true
					collapsed = append(collapsed, spec.Schema{Ptr: fmt.Sprintf("%s/%s/%d", sc.Ptr, k, b), Raw: val.([]any)[b]})
					continue
				}
				if v.variants == nil {
					subs, _ := val.([]any)
					v.variantsKw = loc{val, spec.Join(sc.Ptr, k)}
					v.variants = make([]spec.Schema, len(subs))
					for i, b := range subs {
						v.variants[i] = spec.Schema{Ptr: fmt.Sprintf("%s/%s/%d", sc.Ptr, k, i), Raw: b}
					}
				}
			default:
				if _, set := v.kw[k]; !set {
					v.kw[k] = loc{val, spec.Join(sc.Ptr, k)}
				}
			}
		}
		if ref, ok := m["$ref"].(string); ok {
			if t, ok := d.refTarget(ref); ok {
				add(t)
			}
		}
		if all, ok := m["allOf"].([]any); ok {
			for i, b := range all {
				add(spec.Schema{Ptr: fmt.Sprintf("%s/allOf/%d", sc.Ptr, i), Raw: b})
			}
		}
	}
	add(sc)
	for i := 0; i < len(collapsed); i++ {
		add(collapsed[i])
	}
	v.names = slices.Sorted(maps.Keys(v.props))
	return v
}

// without returns a copy of the view lacking some keywords; the envelope
// `version` property uses it so that the bump itself is not a finding.
func (v *view) without(keys ...string) *view {
	c := *v
	c.kw = make(map[string]loc, len(v.kw))
	for k, l := range v.kw {
		c.kw[k] = l
	}
	for _, k := range keys {
		delete(c.kw, k)
	}
	return &c
}

// propsPtr is where a property of this schema is, or would be, declared.
func (v *view) propsPtr() string {
	if v.propsAt != "" {
		return v.propsAt
	}
	return spec.Join(v.ptr, "properties")
}

// JSON types as a bit set; number includes integer so that subset tests
// see integer → number as a widening.
type typeSet uint8

const (
	tNull typeSet = 1 << iota
	tBoolean
	tObject
	tArray
	tInteger
	tNumberOnly // non-integral numbers
	tString

	tNumber = tInteger | tNumberOnly
	tAny    = tNull | tBoolean | tObject | tArray | tNumber | tString
)

var typeBits = map[string]typeSet{"null": tNull, "boolean": tBoolean, "object": tObject, "array": tArray,
	"integer": tInteger, "number": tNumber, "string": tString}

func (t typeSet) String() string {
	if t == tAny {
		return "any"
	}
	var names []string
	for _, n := range []string{"null", "boolean", "object", "array", "number", "integer", "string"} {
		b := typeBits[n]
		if t&b == b {
			names = append(names, n)
			t &^= b
		}
	}
	return strings.Join(names, "|")
}

// valueType is the JSON type of one value.
func valueType(v any) typeSet {
	switch x := v.(type) {
	case nil:
		return tNull
	case bool:
		return tBoolean
	case map[string]any:
		return tObject
	case []any:
		return tArray
	case string:
		return tString
	default:
		if s := fmt.Sprint(x); strings.ContainsAny(s, ".eE") {
			return tNumberOnly
		}
		return tInteger
	}
}

// ownTypes reads the `type` keyword, or infers it from const or enum;
// ok is false when the schema says nothing about its type.
func (v *view) ownTypes() (typeSet, bool) {
	if v.boolean != nil {
		if *v.boolean {
			return tAny, true
		}
		return 0, true
	}
	if t, ok := v.kw["type"]; ok {
		var set typeSet
		switch x := t.v.(type) {
		case string:
			set = typeBits[x]
		case []any:
			for _, e := range x {
				if s, ok := e.(string); ok {
					set |= typeBits[s]
				}
			}
		}
		if v.nullable {
			set |= tNull
		}
		return set, true
	}
	if c, ok := v.kw["const"]; ok {
		return valueType(c.v), true
	}
	if e, ok := v.kw["enum"]; ok {
		var set typeSet
		vals, _ := e.v.([]any)
		for _, x := range vals {
			set |= valueType(x)
		}
		return set, true
	}
	return tAny, false
}

// types is the set of JSON types a schema admits, looking into anyOf and
// oneOf branches when the schema itself does not say.
func (d *doc) types(v *view, depth int) typeSet {
	if t, ok := v.ownTypes(); ok || len(v.variants) == 0 || depth > 16 {
		return t
	}
	var set typeSet
	if v.nullable {
		set = tNull
	}
	for _, b := range v.variants {
		set |= d.types(d.view(b), depth+1)
	}
	return set
}
