package generator

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hookmock/hookmock/spec"
	"github.com/hookmock/hookmock/spec/yamlsafe"
)

// UndeclaredFieldError is an override key that names no field the event's
// schema declares: a typo such as payload.rooom, which the contract (open
// to unknown properties) would let through as an extra field.
type UndeclaredFieldError struct {
	Event string
	// Field is the first segment that is not declared, At where it is
	// missing ("the event" or a dotted path), Declared what is there.
	Field, At string
	Declared  []string
	// Suggest is the closest declared name, or "".
	Suggest string
}

func (e *UndeclaredFieldError) Error() string {
	hint := ""
	if e.Suggest != "" {
		hint = fmt.Sprintf("; did you mean %q?", e.Suggest)
	}
	return fmt.Sprintf("%q is not a field of %s in %s%s (declared: %s)", e.Field, e.At, e.Event, hint, strings.Join(e.Declared, ", "))
}

// FieldSchemas walks ptr through the body schema of event (a name) and
// returns the schemas found at its end. Nil schemas and a nil error mean
// the field is inside a free-form object, where any key is declared.
func FieldSchemas(s *spec.Spec, event, ptr string) ([]spec.Schema, error) {
	e, ok := s.Event(event)
	if !ok {
		return nil, nil
	}
	toks, err := spec.Split(ptr)
	if err != nil {
		return nil, err
	}
	cur := []spec.Schema{e.Body}
	for i, tok := range toks {
		var next []spec.Schema
		var declared []string
		open := false
		for _, sc := range expandSchemas(s, cur) {
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
				return nil, nil
			}
			at := "the event"
			if i > 0 {
				at = strings.Join(toks[:i], ".")
			}
			sort.Strings(declared)
			declared = dedupe(declared)
			return nil, &UndeclaredFieldError{Event: event, Field: tok, At: at, Declared: declared, Suggest: yamlsafe.Closest(tok, declared)}
		}
		cur = next
	}
	return cur, nil
}

// expand follows $refs and flattens allOf/anyOf/oneOf, so that the
// properties of every branch are seen.
func expandSchemas(s *spec.Spec, in []spec.Schema) []spec.Schema {
	var out []spec.Schema
	var walk func(sc spec.Schema, depth int)
	walk = func(sc spec.Schema, depth int) {
		if depth > 16 {
			return
		}
		d, err := s.Deref(sc)
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

// KeyError is an override refused because its key names no declared
// field of the event.
type KeyError struct {
	Override Override
	Cause    *UndeclaredFieldError
}

func (e *KeyError) Error() string {
	return fmt.Sprintf("override %q: %v; to add a field the contract does not declare, write %s%s", e.Override.Key, e.Cause, ExtraPrefix, e.Override.Key)
}

func (e *KeyError) Unwrap() error { return e.Cause }

// CheckOverrides refuses the overrides whose keys name no declared field of
// event, unless they are marked Extra (or IfDeclared, which are skipped
// where undeclared instead).
func CheckOverrides(s *spec.Spec, event string, set []Override) error {
	for _, o := range set {
		if o.Extra || o.IfDeclared {
			continue
		}
		if err := checkKey(s, event, o); err != nil {
			return err
		}
	}
	return nil
}

func checkKey(s *spec.Spec, event string, o Override) error {
	_, err := FieldSchemas(s, event, o.Pointer)
	var ue *UndeclaredFieldError
	if errors.As(err, &ue) {
		return &KeyError{Override: o, Cause: ue}
	}
	return nil
}

// applicable drops the IfDeclared overrides that event does not declare.
func applicable(s *spec.Spec, event string, set []Override) []Override {
	if len(set) == 0 {
		return set
	}
	out := make([]Override, 0, len(set))
	for _, o := range set {
		if o.IfDeclared && !o.Extra && checkKey(s, event, o) != nil {
			continue
		}
		out = append(out, o)
	}
	return out
}
