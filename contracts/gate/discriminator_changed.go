package gate

import (
	"maps"
	"slices"
	"strings"
)

// Code generated from the contract dispatches on the discriminator: a new
// property name or a remapped value sends messages to the wrong type.
// New mapping entries come with new variants and are judged there.
var ruleDiscriminatorChanged = register(&Rule{
	ID:      "discriminator-changed",
	Summary: "the OpenAPI discriminator's property or mapping changed",
	Impacts: incompatible(),
	check: func(p *pair, r *Rule) {
		o, ook := p.o.kw["discriminator"]
		n, nok := p.n.kw["discriminator"]
		if !ook || !nok {
			return
		}
		om, _ := o.v.(map[string]any)
		nm, _ := n.v.(map[string]any)
		var what []string
		if !equalJSON(om["propertyName"], nm["propertyName"]) {
			what = append(what, "propertyName")
		}
		omap, _ := om["mapping"].(map[string]any)
		nmap, _ := nm["mapping"].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(omap)) {
			if v, ok := nmap[k]; !ok || !equalJSON(v, omap[k]) {
				what = append(what, "mapping "+k)
			}
		}
		if len(what) > 0 {
			p.emit(r, o.ptr, n.ptr, "discriminator changed: %s", strings.Join(what, ", "))
		}
	},
})
