package spec

import (
	"fmt"
	"strconv"
	"strings"
)

// inPlace are the keywords whose subschemas apply to the same value as the
// schema holding them. A validator visits each of them for every value,
// so a subschema shared under several of them is visited once per path.
var inPlace = struct {
	one, array []string
}{
	one:   []string{"not", "if", "then", "else"},
	array: []string{"allOf", "anyOf", "oneOf"},
}

// checkEvaluations refuses schemas nested deeper than the limit, and a
// document where validating one value visits
// more than limit schema objects. The count is the number of paths through
// $ref and the in-place applicators, memoized per location, so the check is
// linear however large the count; it names the first (innermost) schema
// that passes the limit, which is the one asking for too much.
func (s *Spec) checkEvaluations(roots []string, lim Limits) error {
	e := &evalCount{s: s, limit: lim.MaxEvaluations, memo: map[string]int{}, open: map[string]bool{}}
	return s.walkSchemas(roots, func(m map[string]any, ptr string) error {
		if d := strings.Count(ptr, "/"); d > lim.MaxSchemaDepth {
			return fmt.Errorf("%s: this schema is nested %d levels deep in the document, more than %s allows (%d); move shared parts to components and $ref them",
				s.Where(ptr), d, LimitSchemaDepth, lim.MaxSchemaDepth)
		}
		_, err := e.count(m, ptr)
		return err
	})
}

type evalCount struct {
	s     *Spec
	limit int
	memo  map[string]int
	open  map[string]bool
}

func (e *evalCount) count(v any, ptr string) (int, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return 1, nil
	}
	if n, ok := e.memo[ptr]; ok {
		return n, nil
	}
	if e.open[ptr] {
		// A loop that never moves to another value; the validator
		// detects it, and it adds nothing to the count.
		return 0, nil
	}
	e.open[ptr] = true
	defer delete(e.open, ptr)
	n := 1
	add := func(sub any, at string) error {
		c, err := e.count(sub, at)
		n = min(n+c, e.limit+1)
		return err
	}
	if ref, ok := m["$ref"].(string); ok {
		if target, err := refPointer(ref); err == nil {
			if tv, ok := walkPointer(e.s.root, target); ok {
				if err := add(tv, target); err != nil {
					return 0, err
				}
			}
		}
	}
	for _, k := range inPlace.one {
		if sub, ok := m[k]; ok {
			if err := add(sub, Join(ptr, k)); err != nil {
				return 0, err
			}
		}
	}
	for _, k := range inPlace.array {
		subs, _ := m[k].([]any)
		for i, sub := range subs {
			if err := add(sub, ptr+"/"+k+"/"+strconv.Itoa(i)); err != nil {
				return 0, err
			}
		}
	}
	if n > e.limit {
		return 0, fmt.Errorf("%s: validating one value against this schema visits more than %d schemas through shared $refs under allOf/anyOf/oneOf (%s); flatten the repeated $refs or raise the limit",
			e.s.Where(ptr), e.limit, LimitSchemaEvaluations)
	}
	e.memo[ptr] = n
	return n, nil
}
