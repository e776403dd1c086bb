package gate

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
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
			return p, fmt.Errorf("%s:%d: unknown policy key %q (want: rules)", source, k.Line, k.Value)
		}
		if v.Kind != yaml.MappingNode {
			return p, fmt.Errorf("%s:%d: `rules` must map rule ids to a level", source, v.Line)
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			id, val := v.Content[j], v.Content[j+1]
			if _, ok := registry[id.Value]; !ok {
				return p, fmt.Errorf("%s:%d: unknown rule %q (`hookmock gate --help` lists the rules)", source, id.Line, id.Value)
			}
			o, ok := overrideWords[strings.ToLower(val.Value)]
			if val.Kind != yaml.ScalarNode || !ok {
				return p, fmt.Errorf("%s:%d: rule %q: want one of %s", source, val.Line, id.Value, strings.Join(sortedWords(), ", "))
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
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: the document must be a mapping", source, top.Line)
	}
	return top, nil
}
