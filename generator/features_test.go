package generator

import (
	"encoding/json"
	"strings"
	"testing"
)

// Every webhook of the feature specs (one per family of keywords) is valid
// for many seeds, mostly on the first attempt.
func TestSchemaFeatures(t *testing.T) {
	for _, path := range []string{"testdata/features.yaml", "testdata/features30.yaml"} {
		s := loadSpec(t, path)
		g := New(s)
		for _, e := range s.Events {
			t.Run(e.Name, func(t *testing.T) {
				retried, seeds := 0, uint64(300)
				if raceEnabled {
					seeds = 100
				}
				for seed := uint64(0); seed < seeds; seed++ {
					if res := mustGenerate(t, g, Request{Event: e.Name, Seed: seed}); res.attempts > 1 {
						retried++
					}
				}
				// Only overlapping oneOf branches may need a second try.
				if retried > int(seeds)/20 {
					t.Errorf("%d of %d events needed more than one attempt", retried, seeds)
				}
			})
		}
	}
}

func TestSchemaFeatureDetails(t *testing.T) {
	g := New(featuresSpec(t))
	gen := func(event string, seed uint64) map[string]any {
		return decode(t, mustGenerate(t, g, Request{Event: event, Seed: seed}).JSON)
	}
	t.Run("recursion ends", func(t *testing.T) {
		for seed := range uint64(50) {
			if raw := mustGenerate(t, g, Request{Event: "recursion", Seed: seed}).JSON; len(raw) > 200_000 {
				t.Fatalf("seed %d: a recursive schema produced %d bytes", seed, len(raw))
			}
		}
	})
	t.Run("optional properties vary", func(t *testing.T) {
		with, without := 0, 0
		for seed := range uint64(100) {
			if _, ok := gen("objects", seed)["name"]; ok {
				with++
			} else {
				without++
			}
		}
		if with < 50 || without < 5 {
			t.Errorf("optional property present %d/100 times; expected most but not all", with)
		}
	})
	t.Run("false and writeOnly properties are left out", func(t *testing.T) {
		for seed := range uint64(50) {
			ev := gen("objects", seed)
			if _, ok := ev["never"]; ok {
				t.Fatal("a property whose schema is false was generated")
			}
			if _, ok := ev["secret"]; ok {
				t.Fatal("a writeOnly property appeared in a webhook body")
			}
		}
	})
	t.Run("nullable values are sometimes null", func(t *testing.T) {
		nulls := 0
		for seed := range uint64(200) {
			if gen("scalars", seed)["maybe"] == nil {
				nulls++
			}
		}
		if nulls == 0 || nulls > 60 {
			t.Errorf("null %d/200 times", nulls)
		}
	})
	t.Run("x-faker and name hints", func(t *testing.T) {
		ev := gen("realism", 3)
		if first := ev["first"].(string); first == "" || strings.Contains(first, "{") {
			t.Errorf("x-faker template not applied: %q", first)
		}
		if n, _ := ev["lucky"].(json.Number).Int64(); n < 1 || n > 9 {
			t.Errorf("x-faker number %v", ev["lucky"])
		}
		if ua := ev["user_agent"].(string); !strings.HasPrefix(ua, "Mozilla/") {
			t.Errorf("user_agent %q does not look like one", ua)
		}
		if room := ev["room"].(string); !isDailyRoom(room) {
			t.Errorf("room %q does not look like a Daily room", room)
		}
	})
	t.Run("examples seed the pool", func(t *testing.T) {
		fromExamples := 0
		for seed := range uint64(100) {
			if c := gen("realism", seed)["color"]; c == "red" || c == "green" {
				fromExamples++
			}
		}
		// A free string prefers the author's values (freeExamplesChance),
		// and still leaves some events to other strings.
		if fromExamples < 70 || fromExamples > 95 {
			t.Errorf("examples used %d/100 times", fromExamples)
		}
	})
}
