package scenario

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/mockserver/wire"
)

// The step half of the loader: events, gaps, overrides, branches,
// conditions and faults.

func (l *loader) steps(n *yaml.Node, what string) []Step {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		l.errorf(n, "%s: want a non-empty list of steps", what)
		return nil
	}
	out := make([]Step, 0, len(n.Content))
	for i, c := range n.Content {
		out = append(out, l.step(deref(c), fmt.Sprintf("%s[%d]", what, i)))
	}
	return out
}

func (l *loader) step(n *yaml.Node, what string) Step {
	st := Step{Pos: l.pos(n), Repeat: 1}
	m := l.mapping(n, what, "event", "after", "set", "call", "participant", "repeat", "when", "faults", "branch")
	if m == nil {
		return st
	}
	_, hasEvent := m["event"]
	_, hasBranch := m["branch"]
	switch {
	case hasEvent == hasBranch:
		l.errorf(n, "%s: want exactly one of event and branch", what)
	case hasBranch:
		for _, k := range []string{"set", "call", "participant", "repeat", "faults"} {
			if kv, ok := m[k]; ok {
				l.errorf(kv[0], "%s: %s belongs on the steps inside a branch", what, k)
			}
		}
		st.Branches = l.branches(m["branch"][1], what+".branch")
	default:
		st.Event = l.event(m["event"][1], what)
	}
	if kv, ok := m["after"]; ok {
		st.After = l.delay(kv[1], what+".after")
	}
	if kv, ok := m["set"]; ok && st.Event != "" {
		st.Set = l.overrides(kv[1], what+".set", st.Event)
	}
	if kv, ok := m["call"]; ok {
		if kv[1].Value != "new" {
			l.errorf(kv[1], "%s.call: the only value is new (start a new call context here), got %q", what, kv[1].Value)
		}
		st.NewCall = true
	}
	if kv, ok := m["repeat"]; ok {
		st.Repeat = l.count(kv[1], what+".repeat")
	}
	if kv, ok := m["participant"]; ok {
		if st.Participant = l.count(kv[1], what+".participant"); st.Participant > MaxParticipant {
			l.errorf(kv[1], "%s.participant: at most %d, got %d", what, MaxParticipant, st.Participant)
		}
	}
	if kv, ok := m["when"]; ok {
		st.When = l.when(kv[1], what+".when")
	}
	if kv, ok := m["faults"]; ok {
		st.Faults = l.faults(kv[1], what+".faults")
	}
	return st
}

func (l *loader) event(n *yaml.Node, what string) string {
	name := l.str(n, what+".event")
	if name == "" {
		return ""
	}
	e, ok := l.opts.Spec.Lookup(name)
	if !ok {
		names := l.opts.Spec.EventNames()
		hint := ""
		if s := closest(name, names); s != "" {
			hint = fmt.Sprintf("; did you mean %q?", s)
		}
		l.errorf(n, "%s.event: unknown event %q%s (the contract has %s)", what, name, hint, strings.Join(names, ", "))
		return ""
	}
	return e.Name
}

// ParseDelay reads "300ms", "2s", or a range "2s..8s".
func ParseDelay(s string) (Delay, error) {
	lo, hi, isRange := strings.Cut(strings.TrimSpace(s), "..")
	a, err := time.ParseDuration(strings.TrimSpace(lo))
	if err != nil || a < 0 {
		return Delay{}, fmt.Errorf("%q is not a duration like 300ms or 2s, nor a range like 2s..8s", s)
	}
	if !isRange {
		return Delay{a, a}, nil
	}
	b, err := time.ParseDuration(strings.TrimSpace(hi))
	if err != nil || b < 0 {
		return Delay{}, fmt.Errorf("%q: the end of the range is not a duration like 8s", s)
	}
	if b < a {
		return Delay{}, fmt.Errorf("%q: the range ends before it starts", s)
	}
	return Delay{a, b}, nil
}

func (l *loader) delay(n *yaml.Node, what string) Delay {
	if n.Kind != yaml.ScalarNode {
		l.errorf(n, "%s: want a duration like 300ms or a range like 2s..8s", what)
		return Delay{}
	}
	d, err := ParseDelay(n.Value)
	if err != nil {
		l.errorf(n, "%s: %v", what, err)
	}
	return d
}

func (l *loader) branches(n *yaml.Node, what string) []Branch {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		l.errorf(n, "%s: want a list of alternatives, each with probability and steps", what)
		return nil
	}
	var out []Branch
	sum := 0.0
	for i, c := range n.Content {
		c = deref(c)
		w := fmt.Sprintf("%s[%d]", what, i)
		m := l.mapping(c, w, "probability", "steps")
		if m == nil {
			continue
		}
		b := Branch{Pos: l.pos(c)}
		if kv, ok := m["probability"]; !ok {
			l.errorf(c, "%s: probability is required (0..1)", w)
		} else {
			p, err := strconv.ParseFloat(kv[1].Value, 64)
			if err != nil || kv[1].Kind != yaml.ScalarNode || p < 0 || p > 1 || p != p {
				l.errorf(kv[1], "%s.probability: want a number from 0 to 1, got %q", w, kv[1].Value)
			} else {
				b.Probability = p
				sum += p
				if sum > 1+1e-9 {
					l.errorf(kv[1], "%s.probability: the probabilities of this branch add up to %g, more than 1", w, sum)
				}
			}
		}
		if kv, ok := m["steps"]; !ok {
			l.errorf(c, "%s: steps is required", w)
		} else {
			b.Steps = l.steps(kv[1], w+".steps")
		}
		out = append(out, b)
	}
	return out
}

func (l *loader) when(n *yaml.Node, what string) string {
	expr := strings.TrimSpace(n.Value)
	name := strings.TrimPrefix(expr, "!")
	v, ok := l.vars[name]
	switch {
	case n.Kind != yaml.ScalarNode || name == "":
		l.errorf(n, "%s: want a variable name, or !name", what)
	case !ok:
		l.errorf(n, "%s: %q is not declared under vars", what, name)
	default:
		if _, isBool := v.Default.(bool); !isBool {
			l.errorf(n, "%s: %q is not a true/false variable (its default is %v)", what, name, v.Default)
		}
	}
	return expr
}

func (l *loader) faults(n *yaml.Node, what string) []wire.Fault {
	var nodes []*yaml.Node
	switch n.Kind {
	case yaml.SequenceNode:
		nodes = n.Content
	case yaml.ScalarNode:
		nodes = []*yaml.Node{n}
	default:
		l.errorf(n, "%s: want a list of fault names", what)
		return nil
	}
	var out []wire.Fault
	for _, c := range nodes {
		c = deref(c)
		for _, name := range strings.Split(c.Value, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			f, err := wire.ParseFault(name)
			if err != nil {
				l.errorf(c, "%s: %v", what, err)
				continue
			}
			out = append(out, f)
		}
	}
	return out
}

func (l *loader) overrides(n *yaml.Node, what, event string) []Override {
	if n.Kind != yaml.MappingNode {
		l.errorf(n, "%s: want a mapping of field: value", what)
		return nil
	}
	var out []Override
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		ptr, err := generator.KeyPointer(k.Value)
		if err != nil {
			l.errorf(k, "%s: %v", what, err)
			continue
		}
		if seen[ptr] {
			l.errorf(k, "%s: %q set twice", what, k.Value)
			continue
		}
		seen[ptr] = true
		o := Override{Pos: l.pos(k), Key: k.Value, Pointer: ptr, node: v}
		if msg := l.fields.check(event, ptr, k.Value); msg != "" {
			l.errorf(k, "%s: %s", what, msg)
			continue
		}
		names, bad := templateNames(v)
		for _, b := range bad {
			l.errorf(b, "%s.%s: unterminated ${ in %q", what, k.Value, b.Value)
		}
		for _, nm := range names {
			if !isBuiltinVar(nm.name) && l.vars[nm.name].Name == "" {
				l.errorf(nm.node, "%s.%s: unknown variable ${%s} (declare it under vars, or use one of %s)", what, k.Value, nm.name,
					strings.Join(append(append([]string(nil), callVars...), stepVars...), ", "))
			}
		}
		if len(names) == 0 && len(bad) == 0 {
			val, err := nodeValue(v, nil)
			if err != nil {
				l.errorf(v, "%s.%s: %v", what, k.Value, err)
				continue
			}
			if msg := l.fields.checkValue(event, ptr, val); msg != "" {
				l.errorf(v, "%s.%s: %s", what, k.Value, msg)
				continue
			}
		}
		out = append(out, o)
	}
	return out
}
