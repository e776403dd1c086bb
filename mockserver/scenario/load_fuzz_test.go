package scenario_test

import (
	"testing"

	"github.com/hookmock/hookmock/mockserver/scenario"
)

// FuzzScenario feeds the scenario loader arbitrary YAML: a scenario or
// positioned errors, never a panic, a hang or a stack overflow.
func FuzzScenario(f *testing.F) {
	f.Add([]byte(base))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := scenario.Parse("s.yaml", data, scenario.Options{})
		if err != nil {
			es := scenario.AsErrors(err)
			if len(es) == 0 {
				t.Fatalf("error without a position: %v", err)
			}
			for _, e := range es {
				if e.Pos.File != "s.yaml" {
					t.Fatalf("error not naming the file: %v", e)
				}
			}
			return
		}
		if sc == nil || sc.Name == "" {
			t.Fatalf("accepted without a name: %#v", sc)
		}
	})
}
