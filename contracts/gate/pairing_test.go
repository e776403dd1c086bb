package gate_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
)

// TestBranchPairing runs one fixture per pairing rule (testdata/pairing):
// each pair of documents must give exactly the findings listed, as
// "rule new-pointer path".
func TestBranchPairing(t *testing.T) {
	const v = "/components/schemas/Ping/properties/value"
	for _, c := range []struct {
		fixture string
		want    []string
	}{
		// The repro: an inline branch inserted first is one
		// branch added, not every later branch shifted onto another.
		{"oneof-insert", []string{"variant-added " + v + "/oneOf/0 /value"}},
		// Branches told apart by a property's const.
		{"const-insert", []string{"variant-added " + v + "/oneOf/0 /value"}},
		// Branches told apart by the discriminator's property value.
		{"discriminator-insert", []string{"variant-added " + v + "/oneOf/1 /value"}},
		// Reordered branches pair by their properties; the one real change
		// is found inside the right branch.
		{"structural-reorder", []string{"property-added " + v + "/anyOf/1/properties/email /value/email"}},
		// Nothing tells the branches apart but their place.
		{"position-fallback", []string{"constraint-loosened " + v + "/oneOf/0/maxLength /value"}},
		// anyOf [null, $ref X] where X admits null, replaced by X: the
		// same values, no finding.
		{"nullable-equivalent", nil},
		// anyOf [null, $ref X] where X does not admit null, replaced by
		// X: null is no longer sent, one type finding.
		{"null-dropped", []string{"type-narrowed /components/schemas/User/type /user"}},
	} {
		t.Run(c.fixture, func(t *testing.T) {
			old, new := loadPair(t, filepath.Join("testdata", "pairing", c.fixture+".yaml"))
			rep := gate.Compare(old, new, gate.Policy{})
			var got []string
			for _, f := range rep.Findings {
				got = append(got, f.Rule+" "+f.NewPointer+" "+strings.Join(f.Paths, ","))
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s\n\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"), dump(rep))
			}
			if v := rep.Verdict(); !v.Pass {
				t.Errorf("fixture's bump should pass: %v", v.Reasons)
			}
		})
	}
}
