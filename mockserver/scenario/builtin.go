package scenario

import (
	"embed"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
)

//go:embed builtin/*.yaml
var builtinFS embed.FS

// Built-in scenario names.
const (
	SIPCallTransfer = "sip-call-transfer"
	SIPRefer        = "sip-refer"
	PSTNTransfer    = "pstn-transfer"
)

// BuiltinNames lists the embedded scenarios, sorted.
func BuiltinNames() []string {
	entries, _ := builtinFS.ReadDir("builtin")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(out)
	return out
}

// Builtin loads an embedded scenario, checked against opts.Spec.
func Builtin(name string, opts Options) (*Scenario, error) {
	data, err := builtinFS.ReadFile(path.Join("builtin", name+".yaml"))
	if err != nil {
		return nil, fmt.Errorf("no built-in scenario %q (have %s)", name, strings.Join(BuiltinNames(), ", "))
	}
	return Parse("builtin:"+name, data, opts)
}

// Builtins loads every embedded scenario.
func Builtins(opts Options) ([]*Scenario, error) {
	var out []*Scenario
	for _, n := range BuiltinNames() {
		sc, err := Builtin(n, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, nil
}

// Resolve loads a built-in by name, or else a scenario file.
func Resolve(nameOrPath string, opts Options) (*Scenario, error) {
	for _, n := range BuiltinNames() {
		if n == nameOrPath {
			return Builtin(n, opts)
		}
	}
	if _, err := os.Stat(nameOrPath); err != nil {
		if strings.ContainsAny(nameOrPath, "/.") {
			return nil, err
		}
		return nil, fmt.Errorf("%q is neither a built-in scenario (%s) nor a file", nameOrPath, strings.Join(BuiltinNames(), ", "))
	}
	return LoadFile(nameOrPath, opts)
}
