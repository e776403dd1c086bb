package yamlsafe

import (
	"fmt"

	yaml "go.yaml.in/yaml/v3"
	yaml4 "go.yaml.in/yaml/v4"
)

// converter copies the parser's tree into the node type the rest of hookmock
// reads, checking depth on the way. Anchors keep their identity: an alias
// points at the copy of the node it names.
type converter struct {
	file    string
	lim     Limits
	seen    map[*yaml4.Node]*yaml.Node
	nodes   int // nodes written in the document
	aliases int
}

func (c *converter) convert(n *yaml4.Node, depth int) (*yaml.Node, error) {
	if out, ok := c.seen[n]; ok {
		return out, nil
	}
	if depth > c.lim.MaxDepth {
		return nil, &Error{File: c.file, Line: n.Line, Col: n.Column, Limit: LimitDepth,
			Msg: fmt.Sprintf("nested deeper than %s allows (%d)", LimitDepth, c.lim.MaxDepth)}
	}
	c.nodes++
	out := &yaml.Node{
		Kind: yaml.Kind(n.Kind), Style: yaml.Style(n.Style), Tag: n.Tag, Value: n.Value, Anchor: n.Anchor,
		HeadComment: n.HeadComment, LineComment: n.LineComment, FootComment: n.FootComment,
		Line: n.Line, Column: n.Column,
	}
	c.seen[n] = out
	if n.Kind == yaml4.AliasNode {
		c.aliases++
		if n.Alias == nil {
			return nil, &Error{File: c.file, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf("alias *%s names no anchor", n.Value)}
		}
		// An alias names an anchor that came before it: a finished node, or
		// one still being copied (an ancestor), which seen already holds.
		a, err := c.convert(n.Alias, depth)
		if err != nil {
			return nil, err
		}
		out.Alias = a
		return out, nil
	}
	if len(n.Content) > 0 {
		out.Content = make([]*yaml.Node, len(n.Content))
		for i, ch := range n.Content {
			cc, err := c.convert(ch, depth+1)
			if err != nil {
				return nil, err
			}
			out.Content[i] = cc
		}
	}
	return out, nil
}

// checkAliases refuses alias cycles and bounds expansion. An alias can only
// name an anchor defined before it, so its target is either finished or one
// of its own ancestors; the latter is a cycle. Sizes are memoized, so the
// check is linear in the written document however large the expansion.
func (c *converter) checkAliases(root *yaml.Node) error {
	budget := max(c.lim.AliasFloor, c.lim.AliasRatio*c.nodes)
	a := &aliasCheck{c: c, budget: budget, size: map[*yaml.Node]int{}, open: map[*yaml.Node]bool{}}
	total, err := a.walk(root)
	if err != nil {
		return err
	}
	if total > budget {
		return a.tooBig(root)
	}
	return nil
}

type aliasCheck struct {
	c      *converter
	budget int
	size   map[*yaml.Node]int // expanded size, saturated at budget+1
	open   map[*yaml.Node]bool
	first  *yaml.Node // the alias at which expansion first passed the budget
}

func (a *aliasCheck) walk(n *yaml.Node) (int, error) {
	if s, ok := a.size[n]; ok {
		return s, nil
	}
	if n.Kind == yaml.AliasNode {
		t := n.Alias
		if a.open[t] {
			return 0, &Error{File: a.c.file, Line: n.Line, Col: n.Column,
				Msg: fmt.Sprintf("alias *%s is inside the node its anchor &%s names (line %d); a value cannot contain itself", n.Value, t.Anchor, t.Line)}
		}
		s, err := a.walk(t)
		if err != nil {
			return 0, err
		}
		if s > a.budget && a.first == nil {
			a.first = n
		}
		a.size[n] = s
		return s, nil
	}
	a.open[n] = true
	s := 1
	for _, ch := range n.Content {
		cs, err := a.walk(ch)
		if err != nil {
			return 0, err
		}
		s = min(s+cs, a.budget+1)
		if s > a.budget && a.first == nil && ch.Kind == yaml.AliasNode {
			a.first = ch
		}
	}
	delete(a.open, n)
	a.size[n] = s
	return s, nil
}

func (a *aliasCheck) tooBig(root *yaml.Node) error {
	at := a.first
	if at == nil {
		at = root
	}
	return &Error{File: a.c.file, Line: at.Line, Col: at.Column, Limit: LimitExpansion,
		Msg: fmt.Sprintf("aliases expand the document to more than %d nodes; %s allows %d× the %d nodes written (at least %d)",
			a.budget, LimitExpansion, a.c.lim.AliasRatio, a.c.nodes, a.c.lim.AliasFloor)}
}
