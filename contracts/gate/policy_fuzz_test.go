package gate_test

import (
	"strings"
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
)

// FuzzPolicy feeds the gate's policy reader arbitrary YAML.
func FuzzPolicy(f *testing.F) {
	f.Add([]byte("rules:\n  enum-value-added: minor\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := gate.ParsePolicy("policy.yaml", data)
		if err != nil {
			if !strings.Contains(err.Error(), "policy.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if p.Rules == nil {
			t.Fatal("nil rules and nil error")
		}
	})
}
