package contracts_test

import (
	"strings"
	"testing"

	"github.com/hookmock/hookmock/contracts"
)

// FuzzContract feeds the consumer-contract reader arbitrary YAML.
func FuzzContract(f *testing.F) {
	f.Add([]byte("name: billing\nevents: [calltransfer.completed]\nreads:\n  calltransfer.completed: [payload.room]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := contracts.ParseContract("c.yaml", data)
		if err != nil {
			if !strings.Contains(err.Error(), "c.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if c == nil {
			t.Fatal("nil contract and nil error")
		}
	})
}
