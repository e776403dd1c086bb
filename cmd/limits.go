package cmd

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/spec"
)

// limitsEnv names the environment variable that raises the bounds on
// specs and generated events for every command, e.g.
//
//	HOOKMOCK_LIMITS=spec.maxSchemaEvaluations=100000,generator.maxEventBytes=16777216
//
// These bounds protect the machine from a hostile or broken contract; a
// user with a legitimate giant contract raises them here.
const limitsEnv = "HOOKMOCK_LIMITS"

// parserLimits are the bounds read from HOOKMOCK_LIMITS.
type parserLimits struct {
	spec          spec.Limits
	maxEventBytes int
}

// limitSettings maps each name to where its value goes.
var limitSettings = map[string]func(*parserLimits, int){
	spec.LimitSpecBytes:         func(l *parserLimits, v int) { l.spec.MaxBytes = v },
	spec.LimitSchemaEvaluations: func(l *parserLimits, v int) { l.spec.MaxEvaluations = v },
	spec.LimitSchemaDepth:       func(l *parserLimits, v int) { l.spec.MaxSchemaDepth = v },
	"yaml.maxDepth":             func(l *parserLimits, v int) { l.spec.MaxDepth = v },
	"yaml.aliasRatio":           func(l *parserLimits, v int) { l.spec.AliasRatio = v },
	"yaml.aliasFloor":           func(l *parserLimits, v int) { l.spec.AliasFloor = v },
	generator.LimitEventBytes:   func(l *parserLimits, v int) { l.maxEventBytes = v },
}

// readLimits parses HOOKMOCK_LIMITS; an unset variable keeps every default.
func readLimits() (parserLimits, error) {
	var l parserLimits
	raw := strings.TrimSpace(os.Getenv(limitsEnv))
	if raw == "" {
		return l, nil
	}
	for _, item := range strings.Split(raw, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		set, known := limitSettings[name]
		if !ok || !known {
			return l, fmt.Errorf("%s: %q is not NAME=VALUE with NAME one of %s", limitsEnv, item, strings.Join(limitNames(), ", "))
		}
		v, err := strconv.Atoi(val)
		if err != nil || v <= 0 {
			return l, fmt.Errorf("%s: %s: want a positive whole number, got %q", limitsEnv, name, val)
		}
		set(&l, v)
	}
	return l, nil
}

func limitNames() []string {
	names := make([]string, 0, len(limitSettings))
	for n := range limitSettings {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// generatorOptions are the generator options HOOKMOCK_LIMITS asks for.
func (l parserLimits) generatorOptions() []generator.Option {
	if l.maxEventBytes == 0 {
		return nil
	}
	return []generator.Option{generator.WithMaxEventBytes(l.maxEventBytes)}
}
