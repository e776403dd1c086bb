package gate

// A reader of the message loses data it may rely on (provider → consumer);
// a provider that stops reading a property consumers send is harmless.
var rulePropertyRemoved = register(&Rule{
	ID:      "property-removed",
	Summary: "a property (or header) is no longer declared",
	Impacts: widening(),
	check: func(p *pair, r *Rule) {
		for _, name := range p.o.names {
			if _, ok := p.n.props[name]; !ok {
				p.emitAt(r, name, p.o.props[name].Ptr, p.n.propsPtr(), "property %q removed", name)
			}
		}
	},
})
