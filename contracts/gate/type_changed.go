package gate

// A value of the old type is invalid under the new one and the other way
// round: every reader of such a value breaks.
var ruleTypeChanged = register(&Rule{
	ID:      "type-changed",
	Summary: "the type changed to one neither wider nor narrower (integer → string)",
	Impacts: incompatible(),
	phase:   kindType,
	check: func(p *pair, r *Rule) {
		if o, n, ok := typeDelta(p); ok && o&n != o && o&n != n {
			p.emit(r, kwPtr(p.o, "type"), kwPtr(p.n, "type"), "type %s → %s", o, n)
		}
	},
})

// typeDelta returns the old and new type sets when they differ. When both
// sides branch, the variant rules judge the branches and only the `type`
// keywords themselves are compared here.
func typeDelta(p *pair) (o, n typeSet, ok bool) {
	if p.ownTypesOnly {
		var ook, nok bool
		o, ook = p.o.ownTypes()
		n, nok = p.n.ownTypes()
		if !ook || !nok {
			return 0, 0, false
		}
	} else {
		o, n = p.c.old.types(p.o, 0), p.c.new.types(p.n, 0)
	}
	return o, n, o != n
}
