package spec_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/internal/hostile"
	"github.com/hookmock/hookmock/spec"
	"github.com/hookmock/hookmock/spec/yamlsafe"
)

func TestHostileSpecsAreLoadErrorsNamingTheLimit(t *testing.T) {
	for name, c := range map[string]struct {
		doc  []byte
		want string
	}{
		"$ref DAG 30 levels": {hostile.RefDAG(30), "(/components/schemas/s18): validating one value against this schema visits more than 10000 schemas"},
		"allOf 1000 deep":    {hostile.DeepAllOf(1000), spec.LimitSchemaDepth},
		"alias cycle":        {hostile.AliasCycleSpec(), "h.yaml:4:6: alias *w is inside the node its anchor &w names"},
		"billion laughs":     {hostile.LaughsSpec(), yamlsafe.LimitExpansion},
		"too big":            {append(hostile.Spec("    s0: {}\n"), strings.Repeat("#", spec.MaxSpecBytes)...), spec.LimitSpecBytes},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := spec.LoadBytes("h.yaml", c.doc)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}

func TestSpecLimitsAreSettings(t *testing.T) {
	if _, err := spec.LoadBytes("h.yaml", hostile.RefDAG(14), spec.WithLimits(spec.Limits{MaxEvaluations: 1 << 16})); err != nil {
		t.Fatalf("a raised limit still refused: %v", err)
	}
	if _, err := spec.LoadBytes("h.yaml", hostile.DeepAllOf(200), spec.WithLimits(spec.Limits{MaxSchemaDepth: 100})); err == nil {
		t.Fatal("a lowered depth limit let 200 levels through")
	}
	_, err := spec.LoadBytes("h.yaml", hostile.Spec("    s0: {}\n"), spec.WithLimits(spec.Limits{MaxBytes: 100}))
	var ye *yamlsafe.Error
	if !errors.As(err, &ye) || ye.Limit != spec.LimitSpecBytes {
		t.Fatalf("got %v", err)
	}
}

func TestBoundedSpecsLoad(t *testing.T) {
	for name, doc := range map[string][]byte{
		"$ref chain 1000": hostile.RefChain(1000),
		"$ref DAG 10":     hostile.RefDAG(10),
		"allOf 120 deep":  hostile.DeepAllOf(120),
		"20k properties":  hostile.ManyProperties(20000),
	} {
		t.Run(name, func(t *testing.T) {
			s, err := spec.LoadBytes("h.yaml", doc)
			if err != nil {
				t.Fatal(err)
			}
			if vs, err := s.Validate(s.Events[0], []byte(`{"id": "x"}`)); err != nil || name == "$ref chain 1000" && len(vs) != 0 {
				t.Fatalf("%v %v", vs, err)
			}
		})
	}
}

// Compiling one object's properties costs each property once: the
// validator's compiler alone is quadratic in the schemas of one call.
func BenchmarkLoadManyProperties(b *testing.B) {
	for _, n := range []int{2000, 20000} {
		doc := hostile.ManyProperties(n)
		b.Run(map[int]string{2000: "2k", 20000: "20k"}[n], func(b *testing.B) {
			for b.Loop() {
				if _, err := spec.LoadBytes("h.yaml", doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
