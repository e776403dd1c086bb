package spec

import (
	"slices"
	"strings"
)

// Family is the group an event belongs to: the part of its type (or, for
// an event without a type, its name) before the first dot, as Daily names
// them (`recording` for `recording.started`, `waiting-participant` for
// `waiting-participant.left`). An event without a dot is its own family.
func (e *Event) Family() string {
	t := e.Type
	if t == "" {
		t = e.Name
	}
	if fam, _, ok := strings.Cut(t, "."); ok && fam != "" {
		return fam
	}
	return t
}

// Families lists the contract's event families, sorted.
func (s *Spec) Families() []string {
	var out []string
	for _, e := range s.Events {
		if f := e.Family(); !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}
