package gate

// The provider now always sends more: consumers are unaffected. When
// consumers must now always send it, their old answers are rejected.
var ruleRequiredPropertyAdded = register(&Rule{
	ID:      "required-property-added",
	Summary: "a new required property (or header) is declared",
	Impacts: narrowing(),
	check: func(p *pair, r *Rule) {
		for _, name := range p.n.names {
			_, had := p.o.props[name]
			if ptr, req := p.n.required[name]; !had && req {
				p.emitAt(r, name, p.o.propsPtr(), ptr, "required property %q added", name)
			}
		}
	},
})
