package scenario

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hookmock/hookmock/spec"
)

// fieldChecker resolves override keys against an event's body schema, so
// that a typo such as payload.romm is caught when the file is loaded
// rather than sent as an extra property (the contract allows unknown
// properties, so the generator would not object).
type fieldChecker struct {
	s          *spec.Spec
	validators map[string]*spec.Validator
}

func newFieldChecker(s *spec.Spec) *fieldChecker {
	return &fieldChecker{s: s, validators: map[string]*spec.Validator{}}
}

// check returns "" when ptr names a declared field of event, or what is
// wrong with it.
func (f *fieldChecker) check(event, ptr, key string) string {
	if strings.Contains(ptr, "=") {
		return fmt.Sprintf("%q: a field name cannot contain '='", key)
	}
	_, msg := f.resolve(event, ptr)
	return msg
}

// checkValue validates a literal override value against the field's schema.
func (f *fieldChecker) checkValue(event, ptr string, v any) string {
	schemas, msg := f.resolve(event, ptr)
	if msg != "" || len(schemas) == 0 {
		return msg
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	val, err := spec.DecodeJSON(raw)
	if err != nil {
		return err.Error()
	}
	// Under a oneOf/anyOf a field can have several schemas; one accepting
	// the value is enough.
	var first string
	for _, sc := range schemas {
		vd, ok := f.validators[sc.Ptr]
		if !ok {
			vd, _ = f.s.SchemaValidator(sc.Ptr)
			f.validators[sc.Ptr] = vd
		}
		if vd == nil {
			return ""
		}
		vs := vd.Validate(val)
		if len(vs) == 0 {
			return ""
		}
		if first == "" {
			first = vs[0].Message
		}
	}
	return fmt.Sprintf("value %s breaks the contract: %s", raw, first)
}

// resolve walks ptr through the event's body schema and returns the
// schemas found at its end; nil schemas with no message mean the field is
// inside a free-form object.
func (f *fieldChecker) resolve(event, ptr string) ([]spec.Schema, string) {
	e, ok := f.s.Event(event)
	if !ok {
		return nil, ""
	}
	toks, err := spec.Split(ptr)
	if err != nil {
		return nil, err.Error()
	}
	cur := []spec.Schema{e.Body}
	for i, tok := range toks {
		var next []spec.Schema
		var declared []string
		open := false
		for _, sc := range f.expand(cur) {
			m := sc.Map()
			if m == nil {
				open = true
				continue
			}
			if props, ok := m["properties"].(map[string]any); ok && len(props) > 0 {
				for name := range props {
					declared = append(declared, name)
				}
				if _, ok := props[tok]; ok {
					next = append(next, spec.Schema{Ptr: spec.Join(sc.Ptr, "properties", tok), Raw: props[tok]})
					continue
				}
			} else if freeForm(m) {
				open = true
			}
			if items, ok := m["items"]; ok {
				if _, err := strconv.Atoi(tok); err == nil || tok == "-" {
					next = append(next, spec.Schema{Ptr: spec.Join(sc.Ptr, "items"), Raw: items})
				}
			}
			if ap, ok := m["additionalProperties"].(map[string]any); ok {
				next = append(next, spec.Schema{Ptr: spec.Join(sc.Ptr, "additionalProperties"), Raw: ap})
			}
		}
		if len(next) == 0 {
			if open {
				return nil, ""
			}
			at := "the event"
			if i > 0 {
				at = strings.Join(toks[:i], ".")
			}
			sort.Strings(declared)
			declared = dedupe(declared)
			hint := ""
			if c := closest(tok, declared); c != "" {
				hint = fmt.Sprintf("; did you mean %q?", c)
			}
			return nil, fmt.Sprintf("%q is not a field of %s in %s%s (declared: %s)", tok, at, event, hint, strings.Join(declared, ", "))
		}
		cur = next
	}
	return cur, ""
}

// expand follows $refs and flattens allOf/anyOf/oneOf, so that the
// properties of every branch are seen.
func (f *fieldChecker) expand(in []spec.Schema) []spec.Schema {
	var out []spec.Schema
	var walk func(sc spec.Schema, depth int)
	walk = func(sc spec.Schema, depth int) {
		if depth > 16 {
			return
		}
		d, err := f.s.Deref(sc)
		if err != nil {
			return
		}
		out = append(out, d)
		m := d.Map()
		for _, kw := range []string{"allOf", "anyOf", "oneOf"} {
			list, _ := m[kw].([]any)
			for i, x := range list {
				walk(spec.Schema{Ptr: spec.Join(d.Ptr, kw, strconv.Itoa(i)), Raw: x}, depth+1)
			}
		}
	}
	for _, sc := range in {
		walk(sc, 0)
	}
	return out
}

// freeForm reports whether a schema is an object that declares nothing
// about its members (e.g. sip_headers), so any key below it is fine.
func freeForm(m map[string]any) bool {
	for _, kw := range []string{"items", "allOf", "anyOf", "oneOf", "$ref", "const", "enum"} {
		if _, ok := m[kw]; ok {
			return false
		}
	}
	switch t := m["type"].(type) {
	case nil:
		return true
	case string:
		return t == "object"
	case []any:
		for _, x := range t {
			if x == "object" {
				return true
			}
		}
	}
	return false
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}
