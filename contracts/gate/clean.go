package gate

// Most of a large contract does not change between versions. A schema
// location whose subtree is the same text in both documents, and whose
// $refs (transitively) lead only to such locations, cannot produce a
// finding; the walk skips it without building views. On GitHub's
// document this turns the comparison from a walk of every schema into a
// walk of the changed paths.

const (
	cleanUnknown int8 = iota
	cleanYes
	cleanNo
	cleanPending
)

// isClean tells whether ptr holds the same schema in both documents,
// down to everything its $refs reach.
func (c *comparer) isClean(ptr string) bool {
	switch c.clean[ptr] {
	case cleanYes, cleanPending:
		// A cycle back to a location being decided: it is clean unless
		// something else in it is not, which that decision will see.
		return true
	case cleanNo:
		return false
	}
	c.clean[ptr] = cleanPending
	ov, ok1 := c.old.s.At(ptr)
	nv, ok2 := c.new.s.At(ptr)
	var refs []string
	ok := ok1 && ok2 && equalJSONRefs(ov, nv, &refs)
	for _, r := range refs {
		if !ok {
			break
		}
		t, found := c.old.refTarget(r)
		ok = found && c.isClean(t.Ptr)
	}
	if ok {
		c.clean[ptr] = cleanYes
	} else {
		c.clean[ptr] = cleanNo
	}
	return ok
}
