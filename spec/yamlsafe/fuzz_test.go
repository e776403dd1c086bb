package yamlsafe

import (
	"errors"
	"testing"
)

// FuzzParse checks the reader's promise on arbitrary bytes: a tree with no
// alias cycle, within the limits, or an *Error.
func FuzzParse(f *testing.F) {
	f.Add([]byte("a: &a [1, 2]\nb: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Parse("f.yaml", data, Limits{MaxDepth: 100, AliasFloor: 1000})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("not an *Error: %v", err)
			}
			return
		}
		if n == nil {
			return
		}
		// Decoding expands every alias: it must end, and within the bound.
		var v any
		_ = n.Decode(&v)
	})
}
