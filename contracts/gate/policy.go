package gate

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hookmock/hookmock/spec/yamlsafe"
)

// Policy adjusts rule impacts for a team. The zero Policy keeps the defaults.
type Policy struct {
	// Rules maps a rule id to the impact it has in every direction.
	Rules map[string]Override
}

// Override replaces a rule's level and bump, or turns the rule off.
type Override struct {
	Off   bool
	Level Level
	Bump  Bump
}

// overrideWords are the values a policy file may give a rule. Bumps imply
// the matching level so that "enum-value-added: minor" reads naturally.
var overrideWords = map[string]Override{
	"breaking":     {Level: Breaking, Bump: Major},
	"non-breaking": {Level: NonBreaking, Bump: Minor},
	"info":         {Level: Info, Bump: Patch},
	"major":        {Level: Breaking, Bump: Major},
	"minor":        {Level: NonBreaking, Bump: Minor},
	"patch":        {Level: Info, Bump: Patch},
	"off":          {Off: true},
}

// LoadPolicy reads a policy file:
//
//	rules:
//	  enum-value-added: minor   # breaking|non-breaking|info|major|minor|patch|off
func LoadPolicy(path string) (Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Policy{}, err
	}
	return ParsePolicy(path, data)
}

// ParsePolicy parses policy YAML; source names it in errors.
func ParsePolicy(source string, data []byte) (Policy, error) {
	p := Policy{Rules: map[string]Override{}}
	top, err := yamlMapping(source, data)
	if err != nil || top == nil {
		return p, err
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if k.Value != "rules" {
			return p, yamlsafe.At(source, k, "%s", yamlsafe.UnknownKey(k.Value, []string{"rules"}))
		}
		for v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		if v.Kind != yaml.MappingNode {
			return p, yamlsafe.At(source, v, "`rules` must map rule ids to a level")
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			id, val := v.Content[j], v.Content[j+1]
			for val.Kind == yaml.AliasNode {
				val = val.Alias
			}
			if _, ok := registry[id.Value]; !ok {
				hint := ""
				if near := yamlsafe.Nearest(id.Value, slices.Sorted(maps.Keys(registry))); len(near) > 0 {
					hint = fmt.Sprintf(" (did you mean %q?)", near[0])
				}
				return p, yamlsafe.At(source, id, "unknown rule %q%s; `hookmock gate --help` lists the rules", id.Value, hint)
			}
			o, ok := overrideWords[strings.ToLower(val.Value)]
			if val.Kind != yaml.ScalarNode || !ok {
				return p, yamlsafe.At(source, val, "rule %q: want one of %s", id.Value, strings.Join(sortedWords(), ", "))
			}
			p.Rules[id.Value] = o
		}
	}
	return p, nil
}

func sortedWords() []string {
	out := make([]string, 0, len(overrideWords))
	for w := range overrideWords {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}

// yamlMapping parses a YAML document that must be a mapping (or empty).
func yamlMapping(source string, data []byte) (*yaml.Node, error) {
	top, err := yamlsafe.Parse(source, data, yamlsafe.Limits{})
	if err != nil || top == nil {
		return nil, err
	}
	for top.Kind == yaml.AliasNode {
		top = top.Alias
	}
	if top.Kind != yaml.MappingNode {
		return nil, yamlsafe.At(source, top, "the document must be a mapping")
	}
	return top, nil
}
