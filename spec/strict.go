package spec

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// undeclared finds object properties that no applicable schema declares.
// It is deliberately permissive across oneOf/anyOf: a property declared by
// any branch counts as declared, so strict mode never contradicts the
// validator, it only adds "you sent something nobody promised".
func (s *Spec) undeclared(sc Schema, v any, ptr string) []Violation {
	switch val := v.(type) {
	case map[string]any:
		props, open := s.declaredProperties(sc, 0)
		if open {
			return nil
		}
		var out []Violation
		for _, k := range slices.Sorted(maps.Keys(val)) {
			subs, ok := props[k]
			child := Join(ptr, k)
			if !ok {
				out = append(out, Violation{Pointer: child, Keyword: "strict", SchemaPointer: sc.Ptr,
					Message: fmt.Sprintf("property %q is not declared by the contract", k)})
				continue
			}
			for _, sub := range subs {
				out = append(out, s.undeclared(sub, val[k], child)...)
			}
		}
		return out
	case []any:
		items := s.itemSchemas(sc, 0)
		var out []Violation
		for i, item := range val {
			for _, it := range items {
				out = append(out, s.undeclared(it, item, ptr+"/"+strconv.Itoa(i))...)
			}
		}
		return out
	}
	return nil
}

// declaredProperties unions the properties of a schema and its applicators.
// open is true when the schema says nothing about properties at all, or
// admits any name through patternProperties or additionalProperties.
func (s *Spec) declaredProperties(sc Schema, depth int) (props map[string][]Schema, open bool) {
	props = map[string][]Schema{}
	if depth > 32 {
		return props, true
	}
	sc, err := s.Deref(sc)
	if err != nil {
		return props, true
	}
	m := sc.Map()
	if m == nil {
		return props, true
	}
	declared := false
	if p, ok := m["properties"].(map[string]any); ok {
		declared = true
		for _, k := range slices.Sorted(maps.Keys(p)) {
			props[k] = append(props[k], Schema{Ptr: Join(sc.Ptr, "properties", k), Raw: p[k]})
		}
	}
	if _, ok := m["patternProperties"]; ok {
		return props, true
	}
	if ap, ok := m["additionalProperties"]; ok && ap != false {
		return props, true
	}
	for _, kw := range []string{"allOf", "anyOf", "oneOf"} {
		subs, _ := m[kw].([]any)
		for i, sub := range subs {
			sp, subOpen := s.declaredProperties(Schema{Ptr: fmt.Sprintf("%s/%s/%d", sc.Ptr, kw, i), Raw: sub}, depth+1)
			if subOpen && hasObjectShape(sub) {
				return props, true
			}
			for k, v := range sp {
				declared = true
				props[k] = append(props[k], v...)
			}
		}
	}
	return props, !declared
}

// hasObjectShape tells whether an open branch really admits arbitrary
// objects (rather than being, say, a string branch of a oneOf).
func hasObjectShape(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return v == true
	}
	if _, ok := m["$ref"]; ok {
		return false
	}
	t, ok := m["type"]
	return !ok || t == "object"
}

func (s *Spec) itemSchemas(sc Schema, depth int) []Schema {
	if depth > 32 {
		return nil
	}
	sc, err := s.Deref(sc)
	if err != nil {
		return nil
	}
	m := sc.Map()
	var out []Schema
	if it, ok := m["items"]; ok {
		out = append(out, Schema{Ptr: Join(sc.Ptr, "items"), Raw: it})
	}
	for _, kw := range []string{"allOf", "anyOf", "oneOf"} {
		subs, _ := m[kw].([]any)
		for i, sub := range subs {
			out = append(out, s.itemSchemas(Schema{Ptr: fmt.Sprintf("%s/%s/%d", sc.Ptr, kw, i), Raw: sub}, depth+1)...)
		}
	}
	return out
}
