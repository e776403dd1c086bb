package generator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/hookmock/hookmock/spec"
)

// Override sets one value of a generated event.
type Override struct {
	// Key is the location as the user wrote it: a JSON pointer
	// ("/payload/room") or a dotted path ("payload.room").
	Key string
	// Pointer is Key as a JSON pointer.
	Pointer string
	// Value is the value to set, as decoded JSON.
	Value any
	// Extra marks a field added on purpose that the contract does not
	// declare, written with a leading "+" (+payload.extra=x): a test of a
	// consumer's tolerance. Without it an undeclared key is refused as
	// a typo.
	Extra bool
	// IfDeclared applies the override only to events that declare the
	// field, as a scenario's overrides for every event ("*") are.
	IfDeclared bool
}

// ExtraPrefix marks an override key that adds an undeclared field.
const ExtraPrefix = "+"

// ParseOverride reads "key=value". The value is typed the way a shell user
// means it: true, false, null, numbers, JSON objects and arrays are JSON;
// anything else is a string. Quote a value to force a string:
// payload.room="123".
func ParseOverride(s string) (Override, error) {
	key, raw, ok := strings.Cut(s, "=")
	if !ok {
		return Override{}, fmt.Errorf("override %q: want key=value", s)
	}
	plain, extra := strings.CutPrefix(key, ExtraPrefix)
	ptr, err := KeyPointer(plain)
	if err != nil {
		return Override{}, fmt.Errorf("override %q: %w", s, err)
	}
	v, err := parseValue(raw)
	if err != nil {
		return Override{}, fmt.Errorf("override %q: %w", s, err)
	}
	return Override{Key: key, Pointer: ptr, Value: v, Extra: extra}, nil
}

// OverrideJSON is the override of key with a JSON value, as an HTTP body
// or a rendered scenario template holds it. A JSON string is meant
// literally, even if it looks like a number.
func OverrideJSON(key string, raw []byte) (Override, error) {
	plain, extra := strings.CutPrefix(key, ExtraPrefix)
	ptr, err := KeyPointer(plain)
	if err != nil {
		return Override{}, fmt.Errorf("override %q: %w", key+"="+string(raw), err)
	}
	v, err := parseValue(string(raw))
	if err != nil {
		return Override{}, fmt.Errorf("override %q: %w", key+"="+string(raw), err)
	}
	return Override{Key: key, Pointer: ptr, Value: v, Extra: extra}, nil
}

// KeyPointer turns a dotted path into a JSON pointer; a key that already
// starts with "/" is taken as a pointer.
func KeyPointer(key string) (string, error) {
	if key == "" {
		return "", errors.New("empty key; replacing the whole event is not an override")
	}
	if strings.HasPrefix(key, "/") {
		for i := 0; i < len(key); i++ {
			if key[i] == '~' && (i+1 == len(key) || (key[i+1] != '0' && key[i+1] != '1')) {
				return "", fmt.Errorf("JSON pointer %q: ~ must be followed by 0 or 1", key)
			}
		}
		return key, nil
	}
	toks := strings.Split(key, ".")
	for _, t := range toks {
		if t == "" {
			return "", fmt.Errorf("key %q has an empty segment", key)
		}
	}
	return spec.Join("", toks...), nil
}

func parseValue(raw string) (any, error) {
	t := strings.TrimSpace(raw)
	switch {
	case t == "true":
		return true, nil
	case t == "false":
		return false, nil
	case t == "null":
		return nil, nil
	case t == "":
		return raw, nil
	case t[0] == '"' || t[0] == '{' || t[0] == '[':
		v, err := decodeOrdered([]byte(t))
		if err != nil {
			return nil, fmt.Errorf("value %s is not valid JSON: %v", t, err)
		}
		return v, nil
	case t[0] == '-' || (t[0] >= '0' && t[0] <= '9'):
		if json.Valid([]byte(t)) {
			return json.Number(t), nil
		}
	}
	return raw, nil
}

// decodeOrdered decodes JSON keeping object keys in their written order.
func decodeOrdered(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := newObject(4)
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o.set(k, v)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			a := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	}
	return tok, nil
}

// apply sets the override's value in body, creating missing objects on the
// way. It fails, naming the key, when the path runs through a scalar or
// past the end of an array.
func (o Override) apply(body any) error {
	toks, err := spec.Split(o.Pointer)
	if err != nil || len(toks) == 0 {
		return fmt.Errorf("override %q: cannot replace the whole event", o.Key)
	}
	cur := body
	for i, t := range toks {
		last := i == len(toks)-1
		here := spec.Join("", toks[:i]...)
		switch c := cur.(type) {
		case *object:
			if last {
				c.set(t, clone(o.Value))
				return nil
			}
			next, ok := c.get(t)
			if !ok || next == nil {
				next = newObject(1)
				c.set(t, next)
			}
			cur = next
		case []any:
			idx, err := strconv.Atoi(t)
			if err != nil || idx < 0 || idx >= len(c) {
				return fmt.Errorf("override %q: %s has %d items, no index %q", o.Key, displayPtr(here), len(c), t)
			}
			if last {
				c[idx] = clone(o.Value)
				return nil
			}
			cur = c[idx]
		default:
			return fmt.Errorf("override %q: %s is a %s, not an object or array", o.Key, displayPtr(here), jsonType(cur))
		}
	}
	return nil
}

func displayPtr(p string) string {
	if p == "" {
		return "the event"
	}
	return p
}

// touches says whether a violation at ptr concerns the override: at its
// location, inside it, or at an enclosing value it helped break.
func (o Override) touches(ptr string) bool {
	return within(ptr, o.Pointer) || within(o.Pointer, ptr)
}

// within is true when ptr is base or below it.
func within(ptr, base string) bool {
	return ptr == base || strings.HasPrefix(ptr, base+"/")
}
