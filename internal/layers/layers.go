// Package layers states hookmock's import rules, which its test checks
// against `go list -json ./...`: imports flow cmd → mockserver,
// contracts → generator → spec, and the leaf packages (wire, signing,
// clock, seeds, invalid) import no other hookmock package but leaves.
package layers

import (
	"fmt"
	"slices"
	"strings"
)

// Module is hookmock's module path.
const Module = "github.com/hookmock/hookmock"

// Package is what the rules read of `go list -json`.
type Package struct {
	ImportPath string
	Imports    []string // direct
	Deps       []string // transitive, tests excluded
}

// Leaves import no hookmock package other than leaves.
var Leaves = []string{"mockserver/wire", "signing", "generator/clock", "generator/seeds", "generator/invalid", "spec/yamlsafe", "internal/jsonstr"}

// Rule forbids packages matching From to depend on packages matching To,
// directly or not (Transitive).
type Rule struct {
	From, To   []string // package paths relative to the module; "x/..." matches x and below
	Except     []string // To packages that are allowed after all
	Transitive bool
	Why        string
}

// Rules are hookmock's import rules.
var Rules = []Rule{
	{From: []string{"contracts/..."}, To: []string{"mockserver"}, Transitive: true,
		Why: "the verifier sends through mockserver/wire; linking the provider drags scenarios, schedules and cron into it"},
	{From: []string{"mockserver/loadgen"}, To: []string{"mockserver"}, Transitive: true,
		Why: "the load generator sends through mockserver/wire, not through its parent"},
	{From: []string{"mockserver/schedule"}, To: []string{"generator"}, Transitive: true,
		Why: "schedules need a clock (generator/clock), not the generator"},
	{From: []string{"mockserver/wire"}, To: []string{"mockserver/..."}, Except: []string{"mockserver/wire"}, Transitive: true,
		Why: "wire depends on no mockserver package: it signs through the top-level signing leaf"},
	{From: []string{"mockserver/engine"}, To: []string{"mockserver/..."}, Except: []string{"mockserver/engine", "mockserver/store", "mockserver/wire"}, Transitive: true,
		Why: "the engine reads and writes through the store and sends through wire; the API above it (mockserver and its scenario, schedule, ui packages) calls it, never the other way"},
	{From: Leaves, To: []string{"..."}, Except: Leaves, Transitive: true,
		Why: "a leaf imports only leaves"},
	{From: []string{"spec/..."}, To: []string{"generator/...", "mockserver/...", "contracts/...", "cmd/..."}, Except: Leaves,
		Why: "spec is the bottom layer"},
	{From: []string{"generator/..."}, To: []string{"mockserver/...", "contracts/...", "cmd/..."}, Except: Leaves,
		Why: "the generator is below the provider and the verifier"},
	{From: []string{"mockserver/..."}, To: []string{"contracts/...", "cmd/..."}, Except: Leaves,
		Why: "the provider does not know the verifier or the CLI"},
	{From: []string{"contracts/..."}, To: []string{"cmd/..."},
		Why: "the verifier does not know the CLI"},
}

func matches(patterns []string, rel string) bool {
	for _, p := range patterns {
		switch {
		case p == "...":
			return true
		case strings.HasSuffix(p, "/..."):
			base := strings.TrimSuffix(p, "/...")
			if rel == base || strings.HasPrefix(rel, base+"/") {
				return true
			}
		case p == rel:
			return true
		}
	}
	return false
}

// Check returns one line per broken rule: which package depends on which,
// and why it must not.
func Check(pkgs []Package, rules []Rule) []string {
	var out []string
	for _, p := range pkgs {
		from, ok := strings.CutPrefix(p.ImportPath, Module+"/")
		if !ok {
			continue
		}
		for _, r := range rules {
			if !matches(r.From, from) {
				continue
			}
			deps := p.Imports
			if r.Transitive {
				deps = p.Deps
			}
			for _, d := range deps {
				to, ok := strings.CutPrefix(d, Module+"/")
				if !ok || to == from || !matches(r.To, to) || matches(r.Except, to) {
					continue
				}
				out = append(out, fmt.Sprintf("%s depends on %s: %s", from, to, r.Why))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
