package gate

// Readers tolerate unknown properties (contracts allow them), so a new
// optional property is a feature, in either direction.
var rulePropertyAdded = register(&Rule{
	ID:      "property-added",
	Summary: "a new optional property (or header) is declared",
	Impacts: additive(),
	check: func(p *pair, r *Rule) {
		for _, name := range p.n.names {
			_, had := p.o.props[name]
			if _, req := p.n.required[name]; !had && !req {
				p.emitAt(r, name, p.o.propsPtr(), p.n.props[name].Ptr, "optional property %q added", name)
			}
		}
	},
})
