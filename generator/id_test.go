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

// A request naming its event by definition gets the bytes of one naming
// it by name, without the lookup.
func TestRequestByDefinition(t *testing.T) {
	s, err := spec.Default()
	if err != nil {
		t.Fatal(err)
	}
	g := New(s)
	for _, e := range s.Events {
		byName, err := g.Generate(Request{Event: e.Name, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		byDef, err := g.Generate(Request{Def: e, Event: "ignored when Def is set", Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		if string(byDef.JSON) != string(byName.JSON) || byDef.Event != e {
			t.Fatalf("%s: by definition %s, by name %s", e.Name, byDef.JSON, byName.JSON)
		}
	}
}
