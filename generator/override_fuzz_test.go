package generator

import (
	"errors"
	"testing"

	"github.com/hookmock/hookmock/spec"
)

// FuzzOverride feeds `--set KEY=VALUE` arbitrary text and, when it parses,
// applies it to a generated Daily event: an event, an OverrideError or a
// plain error, never a panic.
func FuzzOverride(f *testing.F) {
	for _, s := range []string{"payload.room=sales", "/payload/room=sales", "payload.to_endpoint=\"123\"", "payload.items[]=1", "a=null"} {
		f.Add(s)
	}
	s, err := spec.Default()
	if err != nil {
		f.Fatal(err)
	}
	g := New(s)
	f.Fuzz(func(t *testing.T, kv string) {
		o, err := ParseOverride(kv)
		if err != nil {
			return
		}
		res, err := g.Generate(Request{Event: "calltransfer.triggered", Seed: 1, Set: []Override{o}})
		var oe *OverrideError
		if err != nil && errors.As(err, &oe) && len(oe.Violations) == 0 {
			t.Fatalf("an OverrideError without violations: %v", err)
		}
		if err == nil && len(res.JSON) == 0 {
			t.Fatal("an empty event")
		}
	})
}
