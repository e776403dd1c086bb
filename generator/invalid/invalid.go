// Package invalid names the ways the generator can make an event break its
// contract. It is a leaf, so that the wire package can check a
// schema-violation fault's kind without importing the generator.
package invalid

import (
	"fmt"
	"strings"
)

// Kind is a way of making an event invalid, for consumers' negative tests.
type Kind string

const (
	MissingRequired Kind = "missing-required" // drop a required property
	WrongType       Kind = "wrong-type"       // give a value of a type the schema excludes
	PatternBreak    Kind = "pattern"          // break a pattern or an asserted format
	EnumBreak       Kind = "enum"             // use a value outside an enum or const
	MalformedJSON   Kind = "malformed-json"   // send bytes that are not JSON
	RandomKind      Kind = "random"           // any of the above that applies
)

// Kinds lists the concrete kinds, in the order RandomKind draws from.
var Kinds = []Kind{MissingRequired, WrongType, PatternBreak, EnumBreak, MalformedJSON}

// ValidJSON are the kinds whose body is still JSON.
var ValidJSON = []Kind{MissingRequired, WrongType, PatternBreak, EnumBreak}

// Parse reads a kind name.
func Parse(s string) (Kind, error) {
	k := Kind(s)
	if k == RandomKind {
		return k, nil
	}
	for _, x := range Kinds {
		if x == k {
			return k, nil
		}
	}
	names := make([]string, 0, len(Kinds)+1)
	for _, x := range append(append([]Kind(nil), Kinds...), RandomKind) {
		names = append(names, string(x))
	}
	return "", fmt.Errorf("unknown invalid kind %q (have %s)", s, strings.Join(names, ", "))
}
