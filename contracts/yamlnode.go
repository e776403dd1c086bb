package contracts

import (
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hookmock/hookmock/spec/yamlsafe"
)

// yamlReader reads YAML nodes and words every error as "source:line:col: …",
// the way a consumer team's editor can jump to.
type yamlReader struct{ source string }

func (r yamlReader) errf(n *yaml.Node, format string, a ...any) error {
	return yamlsafe.At(r.source, n, format, a...)
}

// deref follows a YAML alias (*name) to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// keyValue is one entry of a mapping.
type keyValue struct{ k, v *yaml.Node }

// mapping returns a mapping's entries, refusing duplicate keys and keys
// outside known (a typo would otherwise silently keep a default).
func (r yamlReader) mapping(n *yaml.Node, what string, known ...string) ([]keyValue, error) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return nil, r.errf(n, "%s must be a mapping", what)
	}
	seen := map[string]bool{}
	var out []keyValue
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		if seen[k.Value] {
			return nil, r.errf(k, "duplicate key %q", k.Value)
		}
		seen[k.Value] = true
		if known != nil && !contains(known, k.Value) {
			where := ""
			if what != "the contract" {
				where = what + ": "
			}
			return nil, r.errf(k, "%s%s", where, yamlsafe.UnknownKey(k.Value, known))
		}
		out = append(out, keyValue{k, v})
	}
	return out, nil
}

func (r yamlReader) str(n *yaml.Node, what string) (string, error) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || n.Value == "" {
		return "", r.errf(n, "%s must be a non-empty string", what)
	}
	return n.Value, nil
}

// list returns the entries of a list of non-empty strings.
func (r yamlReader) list(n *yaml.Node, what string) ([]*yaml.Node, error) {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		return nil, r.errf(n, "%s must be a list", what)
	}
	for _, x := range n.Content {
		if x.Kind != yaml.ScalarNode || x.Value == "" {
			return nil, r.errf(x, "%s entries must be non-empty strings", what)
		}
	}
	return n.Content, nil
}

func (r yamlReader) duration(n *yaml.Node, what string) (time.Duration, error) {
	s, err := r.str(n, what)
	if err != nil {
		return 0, err
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, r.errf(n, "%s: want a positive duration such as 5s or 250ms, got %q", what, s)
	}
	return d, nil
}

func (r yamlReader) positive(n *yaml.Node, what string) (int, error) {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v <= 0 {
		return 0, r.errf(n, "%s: want a positive integer, got %q", what, n.Value)
	}
	return v, nil
}

// empty tells whether a clause entry carries no options: `{}` or nothing.
func empty(n *yaml.Node) bool {
	return (n.Kind == yaml.MappingNode && len(n.Content) == 0) || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
