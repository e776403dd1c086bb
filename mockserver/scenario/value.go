package scenario

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hookmock/hookmock/generator"
)

// Values in `set:` are YAML typed as JSON: true/false/null, numbers,
// strings, mappings and lists. A quoted scalar is always a string. A
// plain scalar that holds a ${template} is typed after substitution, so
// `event_ts: ${eventTs}` is a number and `timestamp: "${timestamp}"` a
// string.

// scalarValue types a scalar by its YAML tag.
func scalarValue(n *yaml.Node) (any, error) {
	switch n.Tag {
	case "!!null":
		return nil, nil
	case "!!bool":
		return strconv.ParseBool(n.Value)
	case "!!int", "!!float":
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, err
		}
		return number(v)
	}
	return n.Value, nil
}

func number(v any) (any, error) {
	switch x := v.(type) {
	case int:
		return json.Number(strconv.Itoa(x)), nil
	case int64:
		return json.Number(strconv.FormatInt(x, 10)), nil
	case uint64:
		return json.Number(strconv.FormatUint(x, 10)), nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, fmt.Errorf("%v is not a JSON number", x)
		}
		return json.Number(strconv.FormatFloat(x, 'f', -1, 64)), nil
	}
	return nil, fmt.Errorf("%v is not a number", v)
}

// typedPlain types the text of a plain scalar after substitution.
func typedPlain(s string) any {
	switch s {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if json.Valid([]byte(s)) && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) {
		return json.Number(s)
	}
	return s
}

func quoted(n *yaml.Node) bool {
	return n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0
}

// nodeValue converts a YAML value to JSON data, substituting templates
// with sub (nil: no templates are expected).
func nodeValue(n *yaml.Node, sub func(string) string) (any, error) {
	n = deref(n)
	switch n.Kind {
	case yaml.ScalarNode:
		if sub != nil && strings.Contains(n.Value, "${") {
			s := sub(n.Value)
			if quoted(n) || s == "" {
				return s, nil
			}
			return typedPlain(s), nil
		}
		return scalarValue(n)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := nodeValue(c, sub)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := nodeValue(n.Content[i+1], sub)
			if err != nil {
				return nil, err
			}
			out[n.Content[i].Value] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("line %d: unsupported YAML value", n.Line)
}

type templateRef struct {
	name string
	node *yaml.Node
}

// templateNames lists the ${name} references in a value, and the scalars
// with an unterminated "${".
func templateNames(n *yaml.Node) (refs []templateRef, bad []*yaml.Node) {
	n = deref(n)
	switch n.Kind {
	case yaml.ScalarNode:
		s := n.Value
		for {
			i := strings.Index(s, "${")
			if i < 0 {
				return refs, bad
			}
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				return refs, append(bad, n)
			}
			refs = append(refs, templateRef{name: s[i+2 : i+j], node: n})
			s = s[i+j+1:]
		}
	case yaml.SequenceNode, yaml.MappingNode:
		for i, c := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 0 {
				continue
			}
			r, b := templateNames(c)
			refs, bad = append(refs, r...), append(bad, b...)
		}
	}
	return refs, bad
}

// expand substitutes ${name} with vars[name].
func expand(s string, vars map[string]string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(vars[s[i+2:i+j]])
		s = s[i+j+1:]
	}
}

// render writes an override as "pointer=json", the form
// generator.ParseOverride and mockserver.WithSet read back exactly.
func render(ptr string, v any) (generator.Override, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return generator.Override{}, err
	}
	return generator.OverrideJSON(ptr, raw)
}
