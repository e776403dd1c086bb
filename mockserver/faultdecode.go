package mockserver

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/hookmock/hookmock/mockserver/wire"
)

// DecodeFaults reads faults from decoded JSON or YAML: a string in
// ParseFaults syntax ("dup:2,reorder"), or a list whose items are such
// strings or objects {"kind": "duplicate", "count": 2, "gap": "1s",
// "window": 1, "invalid": "enum", "contentType": "text/xml",
// "probability": 0.1}. Errors read as a suffix of the field that held the
// faults, e.g. "[1].gap: …", so callers write fmt.Errorf("faults%w", err).
func DecodeFaults(v any) ([]Fault, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		fs, err := wire.ParseFaults(x)
		if err != nil {
			return nil, fmt.Errorf(": %w", err)
		}
		return fs, nil
	case []any:
		var out []Fault
		for i, item := range x {
			fs, err := decodeFaultItem(item)
			if err != nil {
				return nil, fmt.Errorf("[%d]%w", i, err)
			}
			out = append(out, fs...)
		}
		return out, nil
	}
	return nil, fmt.Errorf(": want a list of faults or a string such as \"dup,reorder\", got %s", kindOf(v))
}

func decodeFaultItem(v any) ([]Fault, error) {
	switch x := v.(type) {
	case string:
		return DecodeFaults(x)
	case map[string]any:
		f, err := decodeFaultObject(x)
		if err != nil {
			return nil, err
		}
		return []Fault{f}, nil
	}
	return nil, fmt.Errorf(": want a fault name or an object with a kind, got %s", kindOf(v))
}

func decodeFaultObject(m map[string]any) (Fault, error) {
	var f Fault
	for _, k := range slices.Sorted(maps.Keys(m)) {
		var err error
		switch v := m[k]; k {
		case "kind":
			var s string
			if s, err = asString(v); err == nil {
				f.Kind, err = wire.ParseFaultKind(s)
			}
		case "count":
			f.Count, err = asInt(v)
		case "window":
			f.Window, err = asInt(v)
		case "gap":
			var s string
			if s, err = asString(v); err == nil {
				if f.Gap, err = time.ParseDuration(s); err != nil {
					err = fmt.Errorf("%q is not a duration (e.g. 500ms, 5s, 15m)", s)
				}
			}
		case "invalid":
			f.Invalid, err = asString(v)
		case "contentType":
			f.ContentType, err = asString(v)
		case "probability":
			f.Probability, err = asFloat(v)
		default:
			return f, fmt.Errorf(".%s: unknown field (have kind, count, gap, window, invalid, contentType, probability)%s", k,
				didYouMean(k, []string{"kind", "count", "gap", "window", "invalid", "contentType", "probability"}))
		}
		if err != nil {
			return f, fmt.Errorf(".%s: %w", k, err)
		}
	}
	if f.Kind == "" {
		return f, fmt.Errorf(".kind: required, one of %v", wire.FaultKinds)
	}
	if err := f.Validate(); err != nil {
		return f, fmt.Errorf(": %w", err)
	}
	return f, nil
}

func asString(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	return "", fmt.Errorf("want a string, got %s", kindOf(v))
}

// asFloat reads a number as encoding/json (float64), spec.DecodeJSON
// (json.Number) or YAML (int or float64) decoded it.
func asFloat(v any) (float64, error) {
	switch n := v.(type) {
	case int:
		return float64(n), nil
	case float64:
		return n, nil
	case json.Number:
		if f, err := n.Float64(); err == nil {
			return f, nil
		}
	}
	return 0, fmt.Errorf("want a number, got %s", kindOf(v))
}

func asInt(v any) (int, error) {
	n, err := asFloat(v)
	if err != nil || n != math.Trunc(n) || math.Abs(n) >= 1<<31 {
		return 0, fmt.Errorf("want a whole number, got %s", kindOf(v))
	}
	return int(n), nil
}

// kindOf names a decoded value's type the way a config author thinks of it.
func kindOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", x)
	case bool:
		return "a boolean"
	case int, int64, float64, json.Number:
		return fmt.Sprintf("the number %v", x)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", v), "*")
}
