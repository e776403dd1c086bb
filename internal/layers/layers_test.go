package layers_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/internal/layers"
)

// goList reads the module's packages as the go command sees them.
func goList(t *testing.T) []layers.Package {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []layers.Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p layers.Package
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestImportsFlowOneWay(t *testing.T) {
	pkgs := goList(t)
	seen := map[string]bool{}
	for _, p := range pkgs {
		seen[strings.TrimPrefix(p.ImportPath, layers.Module+"/")] = true
	}
	// The rules name packages that must exist, or they check nothing.
	for _, must := range append([]string{"contracts", "mockserver", "mockserver/engine", "mockserver/loadgen", "mockserver/schedule", "generator", "spec", "cmd"}, layers.Leaves...) {
		if !seen[must] {
			t.Errorf("no package %s: the rules are out of date", must)
		}
	}
	for _, v := range layers.Check(pkgs, layers.Rules) {
		t.Error(v)
	}
}

// The checker itself finds what the rules forbid.
func TestCheckFindsAViolation(t *testing.T) {
	m := layers.Module + "/"
	pkgs := []layers.Package{
		{ImportPath: m + "contracts", Imports: []string{m + "mockserver/wire"}, Deps: []string{m + "mockserver/wire", m + "mockserver", m + "spec"}},
		{ImportPath: m + "mockserver/wire", Imports: []string{m + "signing"}, Deps: []string{m + "signing"}},
		{ImportPath: m + "mockserver/loadgen", Imports: []string{m + "mockserver/wire"}, Deps: []string{m + "mockserver/wire", m + "signing"}},
		{ImportPath: m + "generator/clock", Imports: []string{m + "spec"}, Deps: []string{m + "spec"}},
		{ImportPath: m + "mockserver/schedule", Imports: []string{m + "generator/clock"}, Deps: []string{m + "generator/clock"}},
		{ImportPath: m + "mockserver/engine", Imports: []string{m + "mockserver/store"}, Deps: []string{m + "mockserver/store", m + "mockserver/wire", m + "mockserver/scenario"}},
	}
	got := layers.Check(pkgs, layers.Rules)
	want := []string{
		"contracts depends on mockserver: ",
		"generator/clock depends on spec: a leaf imports only leaves",
		"mockserver/engine depends on mockserver/scenario: the engine",
	}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("%d: %q, want %q…", i, got[i], want[i])
		}
	}
}
