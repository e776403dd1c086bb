package generator

import "fmt"

func (c *genCtx) genArray(n *node, depth int) (any, error) {
	lo, hi := n.minItems, n.maxItems
	if hi < 0 || hi > lo+3 {
		hi = lo + 3
	}
	if n.itemsFalse && hi > len(n.prefix) {
		hi = max(lo, len(n.prefix))
	}
	count := lo
	if depth < softDepth && hi > lo {
		count = lo + c.r.IntN(hi-lo+1)
		if lo == 0 && count == 0 && c.r.chance(0.5) {
			count = 1 // empty arrays are valid but show nothing
		}
	}
	if need := n.minContains; n.contains != nil && count < need {
		count = need
	}
	out := make([]any, 0, count)
	for i := 0; i < count; i++ {
		item := n.items
		switch {
		case i < len(n.prefix):
			item = n.prefix[i]
		case n.contains != nil && i-len(n.prefix) < n.minContains:
			item = n.contains
		}
		if item == nil {
			item = anyNode(n.ptr)
		}
		v, err := c.value(item, hintNone, depth+1)
		if err != nil {
			if len(out) >= lo {
				break
			}
			return nil, err
		}
		if n.unique && containsValue(out, v) {
			if v, err = c.uniqueItem(item, out, depth); err != nil {
				if len(out) >= lo {
					break
				}
				return nil, err
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func (c *genCtx) uniqueItem(item *node, have []any, depth int) (any, error) {
	for range 8 {
		v, err := c.value(item, hintNone, depth+1)
		if err != nil {
			return nil, err
		}
		if !containsValue(have, v) {
			return v, nil
		}
	}
	return nil, fmt.Errorf("%s: could not find enough distinct items for uniqueItems", c.where(item.ptr))
}
