package generator

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/internal/hostile"
	"github.com/hookmock/hookmock/spec"
)

func hostileGen(t testing.TB, doc []byte, opts ...Option) *Generator {
	t.Helper()
	s, err := spec.LoadBytes("h.yaml", doc)
	if err != nil {
		t.Fatal(err)
	}
	return New(s, opts...)
}

func TestSchemasThatAskTooMuchArePlanErrors(t *testing.T) {
	for name, c := range map[string]struct {
		doc        []byte
		where, msg string
	}{
		"minLength 2e9":  {hostile.MinLength(2_000_000_000), "/components/schemas/s0/properties/a", "minLength 2000000000"},
		"minLength 1e30": {hostile.Spec("    s0: {type: object, required: [a], properties: {a: {type: string, minLength: 1000000000000000000000000000000}}}\n"), "/properties/a", "is over generator.maxEventBytes"},
		"minItems 1e9":   {hostile.MinItems(1_000_000_000), "/components/schemas/s0/properties/a", "minItems 1000000000"},
		"nested product": {hostile.Spec("    s0: {type: array, minItems: 3000, items: {type: array, minItems: 3000, items: {type: string, minLength: 1}}}\n"), "/schema", "minItems 3000, about 36009002 bytes"},
		"ref cycle":      {hostile.RefCycle(), "/components/schemas/s0", "no finite instance"},
	} {
		t.Run(name, func(t *testing.T) {
			g := hostileGen(t, c.doc)
			_, err := g.Generate(Request{Event: "e", Seed: 1})
			var pe *PlanError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a PlanError", err)
			}
			if !strings.Contains(pe.Where, c.where) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v, want %q at %q", err, c.msg, c.where)
			}
			if strings.Contains(err.Error(), "generator bug") {
				t.Fatalf("a schema that asks too much is not a generator bug: %v", err)
			}
			if cerr := g.Check(); !errors.As(cerr, &pe) {
				t.Fatalf("Check: %v", cerr)
			}
		})
	}
}

func TestSchemasWithinLimitsStillGenerate(t *testing.T) {
	for name, doc := range map[string][]byte{
		// The huge array is optional: generation leaves it out.
		"optional huge":   hostile.Spec("    s0: {type: object, properties: {a: {type: array, minItems: 1000000000}, b: {type: string}}}\n"),
		"nullable huge":   hostile.Spec("    s0: {type: object, required: [a], properties: {a: {type: [array, 'null'], minItems: 1000000000}}}\n"),
		"optional cycle":  hostile.Spec("    s0: {type: object, properties: {next: {$ref: '#/components/schemas/s0'}}}\n"),
		"1000 ref chain":  hostile.RefChain(1000),
		"big but allowed": hostile.MinLength(100_000),
	} {
		t.Run(name, func(t *testing.T) {
			g := hostileGen(t, doc)
			for seed := range uint64(20) {
				if _, err := g.Generate(Request{Event: "e", Seed: seed}); err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
			}
			if err := g.Check(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestMaxEventBytesIsASetting(t *testing.T) {
	g := hostileGen(t, hostile.MinLength(100_000), WithMaxEventBytes(1000))
	if _, err := g.Generate(Request{Event: "e"}); err == nil || !strings.Contains(err.Error(), "(1000 bytes)") {
		t.Fatalf("got %v", err)
	}
	g = hostileGen(t, hostile.MinLength(8<<20), WithMaxEventBytes(16<<20))
	if res, err := g.Generate(Request{Event: "e"}); err != nil || len(res.JSON) < 8<<20 {
		t.Fatalf("got %v", err)
	}
}

func TestGenerateContextStops(t *testing.T) {
	g := hostileGen(t, hostile.ManyProperties(2000))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.GenerateContext(ctx, Request{Event: "e"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if _, err := g.GenerateContext(context.Background(), Request{Event: "e"}); err != nil {
		t.Fatal(err)
	}
	// A small event is not generated either for a caller already gone.
	daily, err := spec.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(daily).GenerateContext(ctx, Request{Event: "calltransfer.triggered"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// Planning is linear in the plan: a shared $ref is planned once however
// many paths lead to it (30 levels would be 2^30 paths), and many
// properties cost each one once.
func BenchmarkPlanRefDAG(b *testing.B) {
	for _, levels := range []int{8, 16} {
		s, err := spec.LoadBytes("dag.yaml", hostile.RefDAG(levels), spec.WithLimits(spec.Limits{MaxEvaluations: 1 << 20}))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strconv.Itoa(levels), func(b *testing.B) {
			for b.Loop() {
				if _, err := New(s).plan("e"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPlanProperties(b *testing.B) {
	for _, n := range []int{2000, 20000} {
		s, err := spec.LoadBytes("props.yaml", hostile.ManyProperties(n), spec.DeferCompile())
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				g := New(s)
				ep, err := g.plan("e")
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := g.draftBytes(ep, Request{Event: "e"}, g.newDraft(ep, Request{}), 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
