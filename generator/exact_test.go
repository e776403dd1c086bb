package generator

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/spec"
)

// tier is how costly a target's events are to generate and validate.
type tier int

const (
	tierContract tier = iota // the embedded contract, spec/daily, fixtures: ~40 µs an event
	tierCorpus               // the corpus specs but GitHub's: ~100 µs
	tierGitHub               // GitHub's two documents, 531 events of ~700 µs each
)

// exactEvents says how many events TestExactPlansDifferential makes of
// each exact event. The issue asks for 10,000, which is what
// HOOKMOCK_EXACT_EVENTS=10000 runs, everywhere (about an hour for
// GitHub's documents on two cores). Plain `go test` makes 10,000 of each
// contract event and fewer of the corpus's; under -race, which .ci/run
// uses and which makes generation about ten times slower, fewer still:
//
//	                   plain    -race
//	contract tier     10,000    1,000
//	corpus tier        2,000      100
//	GitHub tier          100        5
func exactEvents(t *testing.T, tr tier) int {
	if v := os.Getenv("HOOKMOCK_EXACT_EVENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("HOOKMOCK_EXACT_EVENTS=%q is not a positive count", v)
		}
		return n
	}
	counts := [...][2]int{tierContract: {10_000, 1_000}, tierCorpus: {2_000, 100}, tierGitHub: {100, 5}}
	if raceEnabled {
		return counts[tr][1]
	}
	return counts[tr][0]
}

// differential generates n events of e, seeds first..first+n-1, and
// validates each with the full validator, independently of whatever
// Generate checked. It returns the first invalid event, and counts the
// events that could not be generated (an error is not an invalid event).
func differential(g *Generator, e *spec.Event, first uint64, n int, failed *atomic.Int64) error {
	var call *Call
	for i := range n {
		seed := first + uint64(i)
		req := Request{Def: e, Seed: seed}
		// A quarter of Daily's events belong to a call, as the mock
		// server's scenarios make them: shared values, rising clocks.
		if i%4 == 3 {
			if call == nil || i%64 == 3 {
				call = NewCall(seed)
			}
			req.Call = call
		}
		res, err := g.Generate(req)
		if err != nil {
			failed.Add(1)
			continue
		}
		vs, err := g.Spec().Validate(e, res.JSON)
		if err != nil || len(vs) > 0 {
			return fmt.Errorf("event %s seed %d is exact but invalid: %v %v\n%s", e.Name, seed, err, vs, res.JSON)
		}
	}
	return nil
}

// generators are the configurations the differential test runs: the
// default, Daily's documented forms, and a clock far from Epoch that
// moves, as the mock server's real clock does.
func differentialGenerators(s *spec.Spec) []*Generator {
	far := clock.NewVirtual(time.Unix(4102444800, 0)) // 2100-01-01
	return []*Generator{New(s), New(s, WithDocumentedForms()), New(s, WithClock(movingClock{far}))}
}

// movingClock advances a second at every reading.
type movingClock struct{ *clock.Virtual }

func (m movingClock) Now() time.Time {
	t := m.Virtual.Now()
	m.Advance(time.Second)
	return t
}

// TestExactPlansDifferential proves the claim exact plans make: every
// event of an exact event validates. It runs over the embedded contract,
// the contracts in spec/daily, the generator's feature fixtures and, when
// HOOKMOCK_CORPUS is set, every corpus spec.
func TestExactPlansDifferential(t *testing.T) {
	type target struct {
		label, path string
		tier        tier
	}
	targets := []target{{"embedded", "", tierContract}, {"features", "testdata/features.yaml", tierContract},
		{"features 3.0", "testdata/features30.yaml", tierContract}, {"envelope", "testdata/envelope.yaml", tierContract},
		{"exact fixtures", "testdata/exact.yaml", tierContract}, {"inexact fixtures", "testdata/inexact.yaml", tierContract}}
	daily, _ := filepath.Glob(filepath.Join("..", "spec", "daily", "*.yaml"))
	for _, f := range daily {
		targets = append(targets, target{"spec/daily/" + filepath.Base(f), f, tierContract})
	}
	if dir := os.Getenv("HOOKMOCK_CORPUS"); dir != "" {
		for _, cs := range corpusSpecs {
			tr := tierCorpus
			if strings.HasPrefix(cs.label, "github") {
				tr = tierGitHub
			}
			targets = append(targets, target{cs.label, filepath.Join(dir, cs.path), tr})
		}
		adyen, _ := filepath.Glob(filepath.Join(dir, "adyen", "*.json"))
		for _, f := range adyen {
			targets = append(targets, target{"adyen " + strings.TrimSuffix(filepath.Base(f), ".json"), f, tierCorpus})
		}
	} else {
		t.Run("corpus", func(t *testing.T) { corpusDir(t) }) // skips visibly, naming HOOKMOCK_CORPUS
	}
	var exactTotal, eventTotal, generated atomic.Int64
	for _, tg := range targets {
		t.Run(tg.label, func(t *testing.T) {
			t.Parallel()
			n := exactEvents(t, tg.tier)
			s := loadSpec(t, tg.path)
			gens := differentialGenerators(s)
			var exact []*spec.Event
			for _, e := range s.Events {
				if gens[0].Exact(e) {
					exact = append(exact, e)
				} else {
					t.Logf("not exact: %s", gens[0].Exactness(e).Reason)
				}
			}
			exactTotal.Add(int64(len(exact)))
			eventTotal.Add(int64(len(s.Events)))
			t.Logf("%d of %d events exact; %d events of each", len(exact), len(s.Events), n)
			var failed atomic.Int64
			// Two workers: the machine .ci/run targets has two cores.
			var wg sync.WaitGroup
			work := make(chan *spec.Event)
			for range 2 {
				wg.Go(func() {
					for e := range work {
						per := n / len(gens)
						for gi, g := range gens {
							k := per
							if gi == 0 {
								k = n - per*(len(gens)-1)
							}
							if !g.Exact(e) {
								continue // documented forms may differ from the default's plan
							}
							if err := differential(g, e, uint64(gi)<<32, k, &failed); err != nil {
								t.Error(err)
								break
							}
							generated.Add(int64(k))
						}
					}
				})
			}
			for _, e := range exact {
				work <- e
			}
			close(work)
			wg.Wait()
			if f := failed.Load(); f > 0 {
				// Errors are not invalid events, but an exact plan should
				// generate: report them so they do not go unseen.
				t.Logf("%d generation errors (no invalid event)", f)
			}
		})
	}
	t.Cleanup(func() {
		t.Logf("exact: %d of %d events; %d events generated and validated", exactTotal.Load(), eventTotal.Load(), generated.Load())
	})
}

// TestInexactPlansAreCaught shows that the differential check can fail:
// each webhook of testdata/inexact.yaml is reported not exact for the
// keyword it is named after; forced exact, it makes an invalid event the
// check catches; as planned, it makes only valid ones (the second
// validation sends generation round again).
func TestInexactPlansAreCaught(t *testing.T) {
	s := loadSpec(t, "testdata/inexact.yaml")
	want := map[string]string{
		"dependent-schemas":          "dependentSchemas at",
		"additional-beside-allof":    "additionalProperties at",
		"unevaluated-in-allof":       "unevaluatedProperties at",
		"contains-beside-items":      "contains at",
		"pattern-properties-overlap": "patternProperties at",
	}
	if len(s.Events) != len(want) {
		t.Fatalf("%d webhooks, want %d", len(s.Events), len(want))
	}
	for _, e := range s.Events {
		g := New(s)
		x := g.Exactness(e)
		if x.Exact || !strings.HasPrefix(x.Reason, want[e.Name]) {
			t.Errorf("%s: %+v, want not exact for %q", e.Name, x, want[e.Name])
		}
		var failed atomic.Int64
		if err := differential(g, e, 0, 200, &failed); err != nil {
			t.Errorf("%s as planned: %v", e.Name, err)
		}
		ep, _ := g.planOf(Request{Def: e})
		ep.exact = true
		if err := differential(g, e, 0, 200, &failed); err == nil {
			t.Errorf("%s forced exact: 200 events, none invalid; the check cannot fail here", e.Name)
		}
	}
}

// TestValidateAllSameBytes: skipping the second validation changes
// nothing but the time it takes; WithValidateAll makes the same events.
func TestValidateAllSameBytes(t *testing.T) {
	s := dailySpec(t)
	fast, checked := New(s), New(s, WithValidateAll())
	for _, e := range s.Events {
		if !fast.Exact(e) {
			t.Errorf("%s: %s", e.Name, fast.Exactness(e).Reason)
		}
		for seed := range uint64(20) {
			a := mustGenerate(t, fast, Request{Def: e, Seed: seed})
			b := mustGenerate(t, checked, Request{Def: e, Seed: seed})
			if string(a.JSON) != string(b.JSON) {
				t.Fatalf("%s seed %d: %s, validated %s", e.Name, seed, a.JSON, b.JSON)
			}
		}
	}
}

// TestExactFixtures: each webhook of testdata/exact.yaml sits at the edge
// of a rule that lets it be exact, and is.
func TestExactFixtures(t *testing.T) {
	s := loadSpec(t, "testdata/exact.yaml")
	g := New(s)
	for _, e := range s.Events {
		if x := g.Exactness(e); !x.Exact {
			t.Errorf("%s: %s", e.Name, x.Reason)
		}
	}
}
