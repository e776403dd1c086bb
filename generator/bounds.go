package generator

import (
	"errors"
	"fmt"
	"math"
)

// Limits on generated events, named as errors and the README name them.
const (
	// LimitEventBytes names the cap on the smallest instance a schema may
	// demand (huge minItems, minLength or their products).
	LimitEventBytes = "generator.maxEventBytes"
	// MaxEventBytes is its default: far above any real webhook body, far
	// below what hangs a generator or fills memory.
	MaxEventBytes = 4 << 20
)

// WithMaxEventBytes raises (or lowers) generator.maxEventBytes.
func WithMaxEventBytes(n int) Option {
	return func(g *Generator) {
		if n > 0 {
			g.maxEventBytes = n
		}
	}
}

// PlanError is a schema the generator cannot honour: it has no finite
// instance, or its smallest instance is larger than the limit. It is a
// property of the contract, found before anything is generated, so callers
// treat it as a load error.
type PlanError struct {
	Where string // file:line (JSON pointer) of the schema at fault
	Limit string // the limit exceeded, if that is the reason
	Msg   string
}

func (e *PlanError) Error() string { return e.Where + ": " + e.Msg }

// infinite is the size of a schema with no finite instance.
const infinite = math.MaxInt

// sizer computes, for every node of a new plan, the size in JSON bytes of
// its smallest instance, as a least fixpoint (recursive schemas converge;
// a schema that requires itself stays infinite). Each node is sized once
// per planner, so planning stays linear in the plan's size.
type sizer struct {
	p     *planner
	limit int
	size  map[*node]int
}

// bound sizes the nodes reachable from root that are not sized yet and
// marks those that cannot be generated. Nodes already sized belong to
// earlier plans and may be read by running generations, so they are never
// changed; new nodes are not yet visible to anyone.
func (p *planner) bound(root *node) {
	if p.sizes == nil {
		p.sizes = map[*node]int{}
	}
	var fresh []*node
	seen := map[*node]bool{}
	var collect func(n *node)
	collect = func(n *node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		if _, done := p.sizes[n]; done {
			return
		}
		for _, ch := range n.children() {
			collect(ch)
		}
		fresh = append(fresh, n) // children first
	}
	collect(root)
	if len(fresh) == 0 {
		return
	}
	s := &sizer{p: p, limit: p.maxBytes, size: p.sizes}
	for _, n := range fresh {
		s.size[n] = infinite
	}
	for changed := true; changed; {
		changed = false
		for _, n := range fresh {
			if v := s.min(n); v < s.size[n] {
				s.size[n], changed = v, true
			}
		}
	}
	for _, n := range fresh {
		s.prune(n)
	}
	for _, n := range fresh {
		if n.err == nil {
			n.err = s.blame(n, map[*node]bool{})
		}
	}
}

// children are the nodes a node's generation may descend into.
func (n *node) children() []*node {
	var out []*node
	for _, pr := range n.props {
		out = append(out, pr.n)
	}
	out = append(out, n.addl, n.items, n.contains, n.propNames)
	out = append(out, n.prefix...)
	out = append(out, n.alts...)
	for _, pp := range n.patProps {
		out = append(out, pp.n)
	}
	return out
}

func add(a, b int) int {
	if a == infinite || b == infinite {
		return infinite
	}
	return min(a+b, math.MaxInt/4)
}

func mul(k, b int) int {
	switch {
	case k == 0:
		return 0
	case b == infinite:
		return infinite
	case b > 0 && k > math.MaxInt/4/b:
		return math.MaxInt / 4
	}
	return k * b
}

func (s *sizer) of(n *node) int {
	if n == nil {
		return 1
	}
	if v, ok := s.size[n]; ok {
		return v
	}
	return 1
}

// min is the size of n's smallest instance given the sizes known so far.
func (s *sizer) min(n *node) int {
	if n.err != nil {
		return infinite
	}
	if len(n.alts) > 0 {
		best := infinite
		for _, a := range n.alts {
			best = min(best, s.of(a))
		}
		return best
	}
	if n.hasConst || n.enum != nil {
		return 1
	}
	best := infinite
	for _, t := range s.types(n) {
		best = min(best, s.typeSize(n, t))
	}
	return best
}

// types are the types generation may choose for n.
func (s *sizer) types(n *node) []jtype {
	if n.types == tAll {
		return []jtype{impliedType(n)}
	}
	var out []jtype
	for _, t := range typeOrder {
		if n.types&t != 0 {
			out = append(out, t)
		}
	}
	return out
}

func (s *sizer) typeSize(n *node, t jtype) int {
	switch {
	case t&tString != 0:
		return n.minLen + 2
	case t == tArray:
		v := 2
		for i := 0; i < min(n.minItems, len(n.prefix)); i++ {
			v = add(v, add(s.of(n.prefix[i]), 1))
		}
		if rest := n.minItems - len(n.prefix); rest > 0 {
			v = add(v, mul(rest, add(s.of(n.items), 1)))
		}
		if n.contains != nil && n.minContains > 0 {
			v = add(v, mul(n.minContains, add(s.of(n.contains), 1)))
		}
		return v
	case t == tObject:
		v, count := 2, 0
		for _, pr := range n.props {
			if pr.required {
				v = add(v, add(len(pr.name)+4, s.of(pr.n)))
				count++
			}
		}
		if extra := n.minProps - count; extra > 0 {
			v = add(v, mul(extra, 6))
		}
		return v
	}
	return 1
}

// prune drops from a multi-typed node the types whose smallest instance
// is over the limit, so that generation never picks them.
func (s *sizer) prune(n *node) {
	if n.types == tAll || len(n.alts) > 0 || n.hasConst || n.enum != nil {
		return
	}
	keep := n.types
	for _, t := range s.types(n) {
		if s.typeSize(n, t) > s.limit {
			keep &^= t
		}
	}
	if keep != 0 && keep != n.types {
		n.types = keep
	}
}

// blame explains why n cannot be generated, or returns nil if it can. It
// follows the child that makes n too big (or infinite) down to the schema
// that asks for it.
func (s *sizer) blame(n *node, path map[*node]bool) error {
	if n.err != nil {
		return n.err
	}
	v := s.of(n)
	if v <= s.limit {
		return nil
	}
	if path[n] {
		return &PlanError{Where: s.p.s.Where(n.ptr), Msg: "the schema has no finite instance: every value of it must contain another (a $ref cycle through required properties or minItems)"}
	}
	path[n] = true
	defer delete(path, n)
	for _, ch := range s.culprits(n) {
		if s.of(ch) > s.limit && (v == infinite) == (s.of(ch) == infinite) {
			if err := s.blame(ch, path); err != nil {
				return err
			}
		}
	}
	if v == infinite {
		return &PlanError{Where: s.p.s.Where(n.ptr), Msg: "the schema has no finite instance"}
	}
	return &PlanError{Where: s.p.s.Where(n.ptr), Limit: LimitEventBytes,
		Msg: fmt.Sprintf("the smallest value this schema allows (%s) is over %s (%d bytes)", s.demand(n, v), LimitEventBytes, s.limit)}
}

// culprits are the children whose sizes count towards n's smallest
// instance.
func (s *sizer) culprits(n *node) []*node {
	if len(n.alts) > 0 {
		return n.alts
	}
	var out []*node
	for _, pr := range n.props {
		if pr.required {
			out = append(out, pr.n)
		}
	}
	if n.minItems > 0 {
		out = append(out, n.prefix...)
		if n.items != nil {
			out = append(out, n.items)
		}
	}
	if n.contains != nil && n.minContains > 0 {
		out = append(out, n.contains)
	}
	return out
}

func (s *sizer) demand(n *node, v int) string {
	switch {
	case n.minLen > s.limit:
		return fmt.Sprintf("minLength %d", n.minLen)
	case n.minItems > 0 && n.types&tArray != 0:
		return fmt.Sprintf("minItems %d, about %d bytes", n.minItems, v)
	}
	return fmt.Sprintf("about %d bytes", v)
}

// Check plans every event of the contract and returns the PlanErrors
// found, so that a server refuses at start-up a contract it could never
// honour instead of failing on the first request.
func (g *Generator) Check() error {
	var errs []error
	for _, name := range g.spec.EventNames() {
		ep, err := g.plan(name)
		if err != nil {
			return err
		}
		var pe *PlanError
		if errors.As(ep.root.err, &pe) {
			errs = append(errs, fmt.Errorf("event %q: %w", name, pe))
		}
	}
	return errors.Join(errs...)
}
