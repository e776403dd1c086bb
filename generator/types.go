package generator

import (
	"encoding/json"
	"math/big"
	"strings"
)

// jtype is a set of JSON types. Integers are a subset of numbers, so
// "number" allows both bits and "integer" only tInteger.
type jtype uint8

const (
	tNull jtype = 1 << iota
	tBoolean
	tObject
	tArray
	tNumber // numbers with a fractional part
	tInteger
	tString

	tAll = tNull | tBoolean | tObject | tArray | tNumber | tInteger | tString
)

// typeOrder is the order in which types are tried, and printed.
var typeOrder = []jtype{tObject, tArray, tString, tInteger, tNumber, tBoolean, tNull}

func parseType(name string) jtype {
	switch name {
	case "null":
		return tNull
	case "boolean":
		return tBoolean
	case "object":
		return tObject
	case "array":
		return tArray
	case "number":
		return tNumber | tInteger
	case "integer":
		return tInteger
	case "string":
		return tString
	}
	return 0
}

func (t jtype) String() string {
	var names []string
	for _, x := range typeOrder {
		if t&x == 0 {
			continue
		}
		switch x {
		case tNull:
			names = append(names, "null")
		case tBoolean:
			names = append(names, "boolean")
		case tObject:
			names = append(names, "object")
		case tArray:
			names = append(names, "array")
		case tNumber:
			names = append(names, "number")
		case tInteger:
			if t&tNumber == 0 {
				names = append(names, "integer")
			}
		case tString:
			names = append(names, "string")
		}
	}
	return strings.Join(names, "|")
}

// isIntegral says whether a JSON number has no fractional part; JSON
// Schema counts 1.0 as an integer.
func isIntegral(n json.Number) bool {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		return true
	}
	if !strings.ContainsAny(s, "eE") {
		// Plain decimals, the common case, without big.Rat.
		return strings.TrimRight(s[strings.IndexByte(s, '.')+1:], "0") == ""
	}
	r, ok := new(big.Rat).SetString(s)
	return ok && r.IsInt()
}

// ratOf parses a JSON number exactly.
func ratOf(v any) (*big.Rat, bool) {
	switch t := v.(type) {
	case json.Number:
		return new(big.Rat).SetString(string(t))
	case float64:
		r := new(big.Rat)
		if r.SetFloat64(t) == nil {
			return nil, false
		}
		return r, true
	}
	return nil, false
}

// equalJSON compares two generated or decoded values the way JSON Schema's
// const and enum do: numbers by value, objects regardless of key order.
func equalJSON(a, b any) bool {
	switch x := a.(type) {
	case json.Number, float64:
		ra, ok1 := ratOf(x)
		rb, ok2 := ratOf(b)
		return ok1 && ok2 && ra.Cmp(rb) == 0
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	case *object:
		y, ok := b.(*object)
		if !ok || len(x.m) != len(y.m) {
			return false
		}
		for _, mb := range x.m {
			w, ok := y.get(mb.k)
			if !ok || !equalJSON(mb.v, w) {
				return false
			}
		}
		return true
	}
	return false
}
