package spec_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/spec"
)

func TestEmbeddedContractsLintClean(t *testing.T) {
	names := spec.EmbeddedContracts()
	if len(names) == 0 {
		t.Fatal("no embedded contracts")
	}
	for _, name := range names {
		ps, err := spec.LintFile(context.Background(), spec.EmbeddedName(name))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			t.Errorf("%s [%s]", p, p.Rule)
		}
	}
}

func TestLintReportsEveryFindingWithItsLocation(t *testing.T) {
	const path = "testdata/lint-bad.yaml"
	ps, err := spec.LintFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	want := []spec.Problem{
		{Rule: spec.RuleKeyword, Source: path, Line: 21, Pointer: "/components/schemas/Thing/nullable"},
		{Rule: spec.RuleKeyword, Source: path, Line: 27, Pointer: "/components/schemas/Thing/properties/n/frobnicate"},
		{Rule: spec.RuleOpenAPI, Source: path, Line: 19, Pointer: "/components/schemas/Thing"},
		{Rule: spec.RuleOpenAPI, Source: path, Line: 4, Pointer: "/info"},
	}
	got := map[string]spec.Problem{}
	for _, p := range ps {
		got[p.Pointer] = p
	}
	for _, w := range want {
		p, ok := got[w.Pointer]
		if !ok {
			t.Errorf("no finding at %s; have %v", w.Pointer, ps)
			continue
		}
		if p.Rule != w.Rule || p.Source != w.Source || p.Line != w.Line || p.Message == "" {
			t.Errorf("at %s: %+v, want rule %s line %d", w.Pointer, p, w.Rule, w.Line)
		}
	}
	if p := got["/info"]; !strings.Contains(p.Message, "version") {
		t.Errorf("info finding: %q", p.Message)
	}
	if p := got["/components/schemas/Thing/nullable"]; p.String() != path+`:21 (/components/schemas/Thing/nullable): keyword "nullable" is OpenAPI 3.0 only; in 3.1.0 write the type as an array that includes "null"` {
		t.Errorf("String(): %s", p)
	}
}

func TestLintAuditMatchesTheLoadError(t *testing.T) {
	// Strict loading stops at the audit's first finding, with the same
	// words.
	_, err := spec.LoadFile("testdata/lint-bad.yaml", spec.StrictLoad())
	ps, _ := spec.LintFile(context.Background(), "testdata/lint-bad.yaml")
	if err == nil || len(ps) == 0 || err.Error() != ps[0].String() {
		t.Fatalf("load: %v\nlint: %v", err, ps)
	}
}

func TestLintANonContract(t *testing.T) {
	ps := spec.LintBytes(context.Background(), "x.yaml", []byte("openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks: 3\n"))
	if len(ps) != 1 || ps[0].Rule != spec.RuleLoad || !strings.Contains(ps[0].Message, "x.yaml:3 (/webhooks)") {
		t.Fatalf("%v", ps)
	}
	if _, err := spec.LintFile(context.Background(), "testdata/no-such.yaml"); err == nil {
		t.Error("a missing file is an error, not a finding")
	}
}
