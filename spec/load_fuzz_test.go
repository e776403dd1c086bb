package spec_test

import (
	"testing"

	"github.com/hookmock/hookmock/spec"
)

// FuzzLoad feeds the spec loader arbitrary JSON or YAML. A document that
// loads must then validate a value without panicking. Limits are lowered
// so that each input stays fast; what they bound is tested at the defaults
// elsewhere.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(webhookDoc("type: object\nrequired: [id]\nproperties:\n  id: {type: string}")))
	lim := spec.Limits{MaxBytes: 1 << 16, MaxDepth: 200, MaxEvaluations: 2000, MaxSchemaDepth: 64}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := spec.LoadBytes("f.yaml", data, spec.WithLimits(lim))
		if err != nil {
			return
		}
		for _, e := range s.Events {
			if _, err := s.Validate(e, []byte(`{"id": "x", "n": [1, 2.5, null, true]}`)); err != nil {
				t.Fatalf("validating JSON failed: %v", err)
			}
		}
	})
}
