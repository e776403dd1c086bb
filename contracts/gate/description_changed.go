package gate

import (
	"maps"
	"slices"
	"strings"
)

// Documentation does not change a single message byte.
var ruleDescriptionChanged = register(&Rule{
	ID:      "description-changed",
	Summary: "a description, summary or title changed",
	Impacts: cosmetic(),
	phase:   kindDocs,
	check:   func(p *pair, r *Rule) { annotationDiff(p, r, "title", "description", "summary") },
})

// annotationDiff emits one finding per annotation keyword that changed.
// With no keywords it compares every x- extension.
func annotationDiff(p *pair, r *Rule, kws ...string) {
	if len(kws) == 0 {
		seen := map[string]bool{}
		for _, v := range []*view{p.o, p.n} {
			for k := range v.kw {
				if strings.HasPrefix(k, "x-") && !seen[k] {
					seen[k] = true
					kws = append(kws, k)
				}
			}
		}
		kws = slices.Sorted(maps.Keys(seen))
	}
	for _, k := range kws {
		o, ook := p.o.kw[k]
		n, nok := p.n.kw[k]
		switch {
		case !ook && !nok:
		case !nok:
			p.emit(r, o.ptr, kwPtr(p.n, k), "%s removed", k)
		case !ook:
			p.emit(r, kwPtr(p.o, k), n.ptr, "%s added", k)
		case !equalJSON(o.v, n.v):
			p.emit(r, o.ptr, n.ptr, "%s changed", k)
		}
	}
}
