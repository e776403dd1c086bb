package gate

import (
	"maps"
	"slices"
)

// A property the provider may have omitted is now always sent (safe for
// consumers); one consumers may have omitted is now demanded (breaking).
var rulePropertyBecameRequired = register(&Rule{
	ID:      "property-became-required",
	Summary: "an optional property (or header) is now required",
	Impacts: narrowing(),
	check: func(p *pair, r *Rule) {
		for _, name := range slices.Sorted(maps.Keys(p.n.required)) {
			if _, was := p.o.required[name]; was {
				continue
			}
			old, had := p.o.props[name]
			if _, declared := p.n.props[name]; !had && declared {
				continue // a new required property: required-property-added
			}
			oldPtr := kwPtr(p.o, "required")
			if had {
				oldPtr = old.Ptr
			}
			p.emitAt(r, name, oldPtr, p.n.required[name], "property %q is now required", name)
		}
	},
})
