package mockserver

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// SpecSetting is hookmock.yaml's `spec`: a path, or {path, strict}.
// strict refuses a contract that lenient loading reads with warnings
// (as --strict does).
type SpecSetting struct {
	Path   string
	Strict bool
}

// UnmarshalYAML reads `spec: PATH` or `spec: {path: PATH, strict: true}`.
func (s *SpecSetting) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		s.Path = n.Value
		return nil
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			var err error
			switch k.Value {
			case "path":
				err = v.Decode(&s.Path)
			case "strict":
				err = v.Decode(&s.Strict)
			default:
				return fmt.Errorf("line %d, column %d: spec.%s: unknown key (want path or strict)", k.Line, k.Column, k.Value)
			}
			if err != nil {
				return fmt.Errorf("line %d, column %d: spec.%s: %v", v.Line, v.Column, k.Value, err)
			}
		}
		return nil
	}
	return fmt.Errorf("line %d, column %d: spec: want a path or {path, strict}", n.Line, n.Column)
}
