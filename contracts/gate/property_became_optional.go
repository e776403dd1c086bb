package gate

import (
	"maps"
	"slices"
)

// Consumers that counted on a property being present now meet messages
// without it; a provider that stops demanding a property is harmless.
var rulePropertyBecameOptional = register(&Rule{
	ID:      "property-became-optional",
	Summary: "a required property (or header) is no longer required",
	Impacts: widening(),
	check: func(p *pair, r *Rule) {
		for _, name := range slices.Sorted(maps.Keys(p.o.required)) {
			if _, still := p.n.required[name]; still {
				continue
			}
			_, had := p.o.props[name]
			nw, has := p.n.props[name]
			if had && !has {
				continue // removed altogether: property-removed
			}
			newPtr := kwPtr(p.n, "required")
			if has {
				newPtr = nw.Ptr
			}
			p.emitAt(r, name, p.o.required[name], newPtr, "property %q is no longer required", name)
		}
	},
})
