package generator

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/spec"
)

// reasons are the violation keywords that prove each kind.
var reasons = map[Kind][]string{
	MissingRequired: {"required"},
	WrongType:       {"type"},
	PatternBreak:    {"pattern", "format"},
	EnumBreak:       {"enum", "const"},
}

// checkNegative asserts that a negative event is rejected by the
// validator for the reason its description states.
func checkNegative(t *testing.T, s *spec.Spec, res *Result, want Kind) {
	t.Helper()
	iv := res.Invalid
	if iv == nil {
		t.Fatalf("no description of the violation")
	}
	if want != RandomKind && iv.Kind != want {
		t.Fatalf("asked for %s, got %s", want, iv.Kind)
	}
	vs, err := s.Validate(res.Event, res.JSON)
	if iv.Kind == MalformedJSON {
		if err == nil || iv.ParseError == "" {
			t.Fatalf("malformed-json event parses: %s", res.JSON)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s event is not JSON: %v", iv.Kind, err)
	}
	if !slices.EqualFunc(vs, iv.Violations, func(a, b spec.Violation) bool { return a == b }) {
		t.Fatalf("described violations %v differ from the validator's %v", iv.Violations, vs)
	}
	for _, v := range vs {
		if v.Pointer == iv.Pointer && slices.Contains(reasons[iv.Kind], v.Keyword) {
			return
		}
	}
	t.Fatalf("%s at %s: the validator rejects the event, but not for that reason: %v\n%s", iv.Kind, iv.Pointer, vs, res.JSON)
}

func TestNegativeKindsDaily(t *testing.T) {
	s := dailySpec(t)
	g := New(s)
	seen := map[Kind]bool{}
	// 33 event types since contract 1.2.0: fewer seeds under the race
	// detector keep the -race suite short; the full 50 run without it.
	seeds := uint64(50)
	if raceEnabled {
		seeds = 10
	}
	for _, e := range s.Events {
		for _, k := range append(append([]Kind(nil), Kinds...), RandomKind) {
			for seed := uint64(0); seed < seeds; seed++ {
				res := mustGenerate(t, g, Request{Event: e.Name, Seed: seed, Invalid: k})
				checkNegative(t, s, res, k)
				seen[res.Invalid.Kind] = true
			}
		}
	}
	for _, k := range Kinds {
		if !seen[k] {
			t.Errorf("kind %s never produced", k)
		}
	}
}

func TestNegativeKindsFeatures(t *testing.T) {
	s := featuresSpec(t)
	g := New(s)
	for _, e := range s.Events {
		for _, k := range Kinds {
			for seed := uint64(0); seed < 10; seed++ {
				res, err := g.Generate(Request{Event: e.Name, Seed: seed, Invalid: k})
				if errors.Is(err, ErrNoLocation) {
					continue // e.g. no enum in "formats"; asserted below
				}
				if err != nil {
					t.Fatalf("%s %s seed %d: %v", e.Name, k, seed, err)
				}
				checkNegative(t, s, res, k)
			}
		}
	}
}

func TestNegativeWithoutLocation(t *testing.T) {
	s := featuresSpec(t)
	_, err := New(s).Generate(Request{Event: "formats", Seed: 1, Invalid: EnumBreak})
	if !errors.Is(err, ErrNoLocation) || !strings.Contains(err.Error(), "no enum or const") {
		t.Fatalf("want ErrNoLocation naming the missing enum, got %v", err)
	}
	if _, err := New(s).Generate(Request{Event: "formats", Seed: 1, Invalid: "bogus"}); err == nil || !strings.Contains(err.Error(), "missing-required") {
		t.Fatalf("an unknown kind should list the known ones, got %v", err)
	}
}

// The corpus: a sample of real schemas (nested oneOf, nullable refs) must
// break for the stated reason too.
func TestNegativeKindsCorpus(t *testing.T) {
	t.Parallel() // shares the corpus test's load of the GitHub spec
	s := corpusSpec(t, "github/api.github.com.openapi-3.0.json")
	g := New(s)
	for i, e := range s.Events {
		if i%15 != 0 {
			continue
		}
		for _, k := range Kinds {
			res, err := g.Generate(Request{Event: e.Name, Seed: uint64(i), Invalid: k})
			if errors.Is(err, ErrNoLocation) {
				continue
			}
			if err != nil {
				t.Fatalf("%s %s: %v", e.Name, k, err)
			}
			checkNegative(t, s, res, k)
		}
	}
}

func TestNegativeStartsFromTheValidEvent(t *testing.T) {
	g := New(dailySpec(t))
	valid := decode(t, mustGenerate(t, g, Request{Event: "calltransfer.initiated", Seed: 5}).JSON)
	res := mustGenerate(t, g, Request{Event: "calltransfer.initiated", Seed: 5, Invalid: MissingRequired})
	broken := decode(t, res.JSON)
	name := res.Invalid.Pointer[strings.LastIndexByte(res.Invalid.Pointer, '/')+1:]
	parent := valid
	if strings.HasPrefix(res.Invalid.Pointer, "/payload/") {
		parent = valid["payload"].(map[string]any)
		broken = broken["payload"].(map[string]any)
	}
	delete(parent, name)
	if len(parent) != len(broken) {
		t.Fatalf("the negative event differs from the valid one by more than %s", res.Invalid.Pointer)
	}
}
