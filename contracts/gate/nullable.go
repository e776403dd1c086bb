package gate

// Nullability has several spellings: `type: [X, "null"]`, and
// `anyOf: [{type: "null"}, X]` (GitHub's generator writes the second
// around components that are themselves nullable). A reader sees the
// same values either way, so where only one side of a pair branches, the
// gate reads an anyOf/oneOf whose branches are null and exactly one other
// branch as that branch with null added to its types, merged into the
// schema like an allOf branch. (Where both sides branch, the branches pair
// as usual, which is cheaper and says the same.)
// Replacing one spelling by the other is then no finding at all, and
// adding or dropping null is one type finding, not a branch removed
// plus every property of the branch re-added.

// nullOr reports whether an anyOf/oneOf value is null-or-one-branch,
// and the index of the non-null branch.
func nullOr(val any) (int, bool) {
	subs, _ := val.([]any)
	other := -1
	for i, b := range subs {
		if isNullOnly(b) {
			continue
		}
		if other >= 0 {
			return 0, false
		}
		other = i
	}
	return other, other >= 0 && len(subs) > 1
}

// isNullOnly: a schema admitting only null and saying nothing else that
// constrains (annotations may sit beside it).
func isNullOnly(raw any) bool {
	m, ok := raw.(map[string]any)
	if !ok {
		return false
	}
	null := false
	for k, v := range m {
		switch k {
		case "type":
			switch t := v.(type) {
			case string:
				null = t == "null"
			case []any:
				null = len(t) == 1 && t[0] == "null"
			}
			if !null {
				return false
			}
		case "const":
			if v != nil {
				return false
			}
			null = true
		case "enum":
			e, _ := v.([]any)
			if len(e) != 1 || e[0] != nil {
				return false
			}
			null = true
		case "description", "title", "$comment", "examples", "example", "deprecated", "readOnly", "writeOnly":
		default:
			return false
		}
	}
	return null
}
