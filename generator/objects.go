package generator

import "fmt"

// optionalChance thins optional properties out with depth, so that big
// nested schemas (GitHub's) stay readable and recursion ends.
func (c *genCtx) optionalChance(depth int) float64 {
	switch {
	case depth < 3:
		return c.optional
	case depth < 5:
		return c.optional / 2
	case depth < softDepth:
		return c.optional / 4
	}
	return 0
}

func (c *genCtx) genObject(n *node, depth int) (any, error) {
	o := newObject(len(n.props))
	p := c.optionalChance(depth)
	for _, pr := range n.props {
		if !pr.required && (pr.n.writeOnly || pr.n.err != nil || !c.r.chance(p)) {
			continue
		}
		if err := c.addProp(o, pr, depth); err != nil {
			return nil, err
		}
	}
	if err := c.completeObject(n, o, depth); err != nil {
		return nil, err
	}
	// completeObject tries for the counts; an object that misses them is
	// another attempt's business, not the validator's (exact plans rely
	// on it).
	if len(o.m) < n.minProps || (n.maxProps >= 0 && len(o.m) > n.maxProps) {
		return nil, fmt.Errorf("%s: could not make an object of %d to %s properties", c.where(n.ptr), n.minProps, lengthBound(n.maxProps))
	}
	return o, nil
}

func (c *genCtx) addProp(o *object, pr *prop, depth int) error {
	v, err := c.propValue(pr, depth+1)
	if err != nil {
		if pr.required {
			return err
		}
		return nil // an optional property that cannot be generated is left out
	}
	o.add(pr.name, v)
	return nil
}

// propValue lets Daily's envelope and a correlated call supply the value
// of a property before the schema is asked.
func (c *genCtx) propValue(pr *prop, depth int) (any, error) {
	if c.daily != nil {
		if v, ok := c.daily.preset(c, pr); ok {
			// Timestamps come from the clock: planDaily saw one reading
			// fit, which says nothing of, say, a clock before 1970.
			if c.daily.clocked(pr) && !pr.n.accepts(v, 0) {
				return nil, fmt.Errorf("%s: the clock reading %v does not fit the schema", c.where(pr.n.ptr), v)
			}
			return v, nil
		}
	}
	if c.call != nil {
		if v, ok := c.call.value(pr.name); ok && pr.n.accepts(v, 0) {
			return v, nil
		}
	}
	return c.value(pr.n, pr.hint, depth)
}

// completeObject honours dependentRequired, minProperties and
// maxProperties, and fills map-like objects (no declared properties, only
// additionalProperties or patternProperties) with a few entries.
func (c *genCtx) completeObject(n *node, o *object, depth int) error {
	for i := 0; i < len(o.m); i++ {
		for _, dep := range n.depReq[o.m[i].k] {
			if _, has := o.get(dep); has {
				continue
			}
			if err := c.addNamed(n, o, dep, depth); err != nil {
				return err
			}
		}
	}
	for _, pr := range n.props {
		if len(o.m) >= n.minProps {
			break
		}
		if _, has := o.get(pr.name); !has && pr.n.err == nil {
			if err := c.addProp(o, pr, depth); err != nil {
				return err
			}
		}
	}
	want := n.minProps
	if len(n.props) == 0 && depth < softDepth && (n.addl != nil || len(n.patProps) > 0) {
		want = max(want, 1+c.r.IntN(3))
	}
	if n.maxProps >= 0 {
		want = min(want, n.maxProps)
	}
	for tries := 0; len(o.m) < want && tries < 4*want+4; tries++ {
		if err := c.addExtra(n, o, depth); err != nil {
			return err
		}
	}
	for n.maxProps >= 0 && len(o.m) > n.maxProps {
		dropped := false
		for i := len(o.m) - 1; i >= 0; i-- {
			if pr := n.prop(o.m[i].k); pr == nil || !pr.required {
				o.del(o.m[i].k)
				dropped = true
				break
			}
		}
		if !dropped {
			break
		}
	}
	return nil
}

func (c *genCtx) addNamed(n *node, o *object, name string, depth int) error {
	if pr := n.prop(name); pr != nil {
		return c.addProp(o, &prop{name: name, n: pr.n, required: true, hint: pr.hint}, depth)
	}
	child := n.addl
	if child == nil {
		child = anyNode(n.ptr)
	}
	return c.addProp(o, &prop{name: name, n: child, required: true}, depth)
}

// addExtra adds one undeclared property, named to fit patternProperties or
// propertyNames when the schema constrains names.
func (c *genCtx) addExtra(n *node, o *object, depth int) error {
	if len(n.patProps) > 0 {
		pp := n.patProps[c.r.IntN(len(n.patProps))]
		name, err := pp.pat.generate(c.r, genState{mode: repeatNormal})
		if err != nil || !pp.pat.matches(name) {
			return nil
		}
		if _, has := o.get(name); !has {
			return c.addProp(o, &prop{name: name, n: pp.n, required: true}, depth)
		}
		return nil
	}
	if n.addlFalse {
		return nil
	}
	var name string
	if n.propNames != nil {
		v, err := c.value(n.propNames, hintNone, depth+1)
		s, ok := v.(string)
		if err != nil || !ok {
			return nil
		}
		name = s
	} else {
		name = pick(c.r, nouns)
	}
	if _, has := o.get(name); has || n.prop(name) != nil {
		return nil
	}
	child := n.addl
	if child == nil {
		child = anyNode(n.ptr)
	}
	return c.addProp(o, &prop{name: name, n: child, required: true}, depth)
}
