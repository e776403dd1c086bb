package generator

import (
	"encoding/json"
	"testing"

	"github.com/hookmock/hookmock/spec"
)

// Result.ID must be exactly the id in the bytes that are sent.
func TestResultIDMatchesTheBody(t *testing.T) {
	s, err := spec.Default()
	if err != nil {
		t.Fatal(err)
	}
	g := New(s)
	for _, e := range s.Events {
		for seed := range uint64(20) {
			res, err := g.Generate(Request{Event: e.Name, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			var body struct{ ID string }
			if err := json.Unmarshal(res.JSON, &body); err != nil {
				t.Fatal(err)
			}
			if res.ID == "" || res.ID != body.ID {
				t.Fatalf("%s seed %d: Result.ID %q, body id %q", e.Name, seed, res.ID, body.ID)
			}
		}
	}
}
