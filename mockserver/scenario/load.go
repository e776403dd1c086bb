package scenario

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hookmock/hookmock/spec"
	"github.com/hookmock/hookmock/spec/yamlsafe"
)

// Options tune loading.
type Options struct {
	// Spec is the contract the events and fields are checked against; nil
	// means the embedded Daily contract.
	Spec *spec.Spec
	// Limits bound the YAML (size, nesting, alias expansion); zero fields
	// take the defaults, MaxScenarioBytes for the size.
	Limits yamlsafe.Limits
}

// LimitScenarioBytes names the cap on a scenario file's size; its default
// is MaxScenarioBytes.
const (
	LimitScenarioBytes = "scenario.maxBytes"
	MaxScenarioBytes   = 1 << 20
)

func (o Options) limits() yamlsafe.Limits {
	l := o.Limits
	if l.MaxBytes <= 0 {
		l.MaxBytes = MaxScenarioBytes
	}
	return l
}

// LoadFile reads and checks a scenario file.
func LoadFile(path string, opts Options) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, opts)
}

// Parse checks a scenario written in YAML; file names it in errors.
func Parse(file string, data []byte, opts Options) (*Scenario, error) {
	if opts.Spec == nil {
		s, err := spec.Default()
		if err != nil {
			return nil, err
		}
		opts.Spec = s
	}
	if limit := opts.limits().MaxBytes; len(data) > limit {
		return nil, Errors{{Pos: Pos{File: file}, Msg: fmt.Sprintf("%d bytes is more than %s allows (%d)", len(data), LimitScenarioBytes, limit)}}
	}
	root, err := yamlsafe.Parse(file, data, opts.limits())
	if err != nil {
		return nil, yamlError(err)
	}
	if root == nil {
		return nil, Errors{{Pos: Pos{File: file, Line: 1}, Msg: "empty file; a scenario needs name, description and steps"}}
	}
	l := &loader{file: file, opts: opts, fields: newFieldChecker(opts.Spec)}
	sc := l.scenario(root)
	if len(l.errs) > 0 {
		return nil, l.errs
	}
	sc.Source, sc.Text = file, data
	return sc, nil
}

// yamlError turns the reader's error into the loader's positioned kind.
func yamlError(err error) error {
	var e *yamlsafe.Error
	if !errors.As(err, &e) {
		return err
	}
	msg := e.Msg
	if e.Limit == "" {
		msg = "YAML: " + msg
	}
	return Errors{{Pos: Pos{File: e.File, Line: e.Line, Col: e.Col}, Msg: msg}}
}

type loader struct {
	file   string
	opts   Options
	fields *fieldChecker
	errs   Errors
	vars   map[string]Var
}

func (l *loader) pos(n *yaml.Node) Pos { return Pos{File: l.file, Line: n.Line, Col: n.Column} }

func (l *loader) errorf(n *yaml.Node, format string, a ...any) {
	l.errs = append(l.errs, &Error{Pos: l.pos(n), Msg: fmt.Sprintf(format, a...)})
}

// mapping returns the key/value pairs of a mapping node, reporting
// unknown and duplicate keys; want lists the keys allowed, in the order
// an error message should show them.
func (l *loader) mapping(n *yaml.Node, what string, want ...string) map[string][2]*yaml.Node {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		l.errorf(n, "%s: want a mapping with %s", what, strings.Join(want, ", "))
		return nil
	}
	out := map[string][2]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !slices.Contains(want, k.Value):
			l.errorf(k, "%s: %s", what, yamlsafe.UnknownKey(k.Value, want))
		case out[k.Value][0] != nil:
			l.errorf(k, "%s: %q given twice", what, k.Value)
		default:
			out[k.Value] = [2]*yaml.Node{k, deref(v)}
		}
	}
	return out
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return deref(n.Content[0])
	}
	return n
}

var nameRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func (l *loader) scenario(doc *yaml.Node) *Scenario {
	sc := &Scenario{Repeat: 1}
	root := deref(doc)
	m := l.mapping(root, "scenario", "name", "description", "vars", "call", "repeat", "steps")
	if m == nil {
		return sc
	}
	if kv, ok := m["name"]; !ok {
		l.errorf(root, "scenario: name is required (lower-case words joined by hyphens)")
	} else if sc.Name = l.str(kv[1], "name"); sc.Name != "" && !nameRe.MatchString(sc.Name) {
		l.errorf(kv[1], "name: %q is not lower-case words joined by hyphens, e.g. sip-call-transfer", sc.Name)
	}
	if kv, ok := m["description"]; !ok {
		l.errorf(root, "scenario: description is required (one line, shown by `hookmock scenario list`)")
	} else if sc.Description = l.str(kv[1], "description"); strings.Contains(strings.TrimSpace(sc.Description), "\n") {
		l.errorf(kv[1], "description: want one line")
	}
	sc.Description = strings.TrimSpace(sc.Description)
	l.vars = map[string]Var{}
	if kv, ok := m["vars"]; ok {
		sc.Vars = l.varList(kv[1])
	}
	if kv, ok := m["call"]; ok {
		sc.Call = l.call(kv[1])
	}
	if kv, ok := m["repeat"]; ok {
		sc.Repeat = l.count(kv[1], "repeat")
	}
	kv, ok := m["steps"]
	if !ok {
		l.errorf(root, "scenario: steps is required")
		return sc
	}
	sc.Steps = l.steps(kv[1], "steps")
	return sc
}

func (l *loader) str(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		l.errorf(n, "%s: want a string", what)
		return ""
	}
	return n.Value
}

func (l *loader) count(n *yaml.Node, what string) int {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v < 1 {
		l.errorf(n, "%s: want a whole number of at least 1, got %q", what, n.Value)
		return 1
	}
	return v
}

var varNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

func (l *loader) varList(n *yaml.Node) []Var {
	if n.Kind != yaml.MappingNode {
		l.errorf(n, "vars: want a mapping of name: default")
		return nil
	}
	var out []Var
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		switch {
		case !varNameRe.MatchString(k.Value):
			l.errorf(k, "vars: %q is not a variable name (letters, digits, _)", k.Value)
			continue
		case isBuiltinVar(k.Value):
			l.errorf(k, "vars: %q is a built-in variable (%s); it is set per run, not declared", k.Value, strings.Join(append(append([]string(nil), callVars...), stepVars...), ", "))
			continue
		case l.vars[k.Value].Name != "":
			l.errorf(k, "vars: %q given twice", k.Value)
			continue
		}
		val, err := scalarValue(v)
		if err != nil || v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
			l.errorf(v, "vars.%s: want a default that is true/false, a number or a string", k.Value)
			continue
		}
		x := Var{Name: k.Value, Default: val, Pos: l.pos(k)}
		l.vars[x.Name] = x
		out = append(out, x)
	}
	return out
}

func (l *loader) call(n *yaml.Node) CallSpec {
	var c CallSpec
	m := l.mapping(n, "call", "isSipRefer", "from", "to")
	if kv, ok := m["isSipRefer"]; ok {
		b, err := strconv.ParseBool(kv[1].Value)
		if kv[1].Tag != "!!bool" || err != nil {
			l.errorf(kv[1], "call.isSipRefer: want true or false, got %q", kv[1].Value)
		}
		c.IsSIPRefer = b
	}
	kind := func(key string) string {
		kv, ok := m[key]
		if !ok {
			return ""
		}
		if v := kv[1].Value; v == "sip" || v == "e164" {
			return v
		}
		l.errorf(kv[1], "call.%s: want sip or e164 (the kind of endpoint generated), got %q", key, kv[1].Value)
		return ""
	}
	c.From, c.To = kind("from"), kind("to")
	return c
}
