package spec

import (
	"maps"
	"slices"
	"strconv"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// wideProperties is the number of properties above which an object's
// property schemas are compiled one at a time before the object itself.
const wideProperties = 64

// precompileWide compiles the property schemas of wide objects first,
// innermost first. The validator's compiler looks each schema it meets up
// in a list of the ones pending in the same Compile call, which makes one
// call quadratic in the schemas it reaches: 20,000 properties took
// seconds. Schemas compiled by an earlier call are found in a map instead.
// Errors are left for the main compile to report, with its wording.
func precompileWide(c *jsonschema.Compiler, doc map[string]any) {
	var ptrs []string
	var walk func(v any, ptr string)
	walk = func(v any, ptr string) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		for _, k := range schemaMapKeywords {
			sub, _ := m[k].(map[string]any)
			for _, name := range slices.Sorted(maps.Keys(sub)) {
				walk(sub[name], Join(ptr, k, name))
			}
		}
		for _, k := range schemaArrayKeywords {
			sub, _ := m[k].([]any)
			for i, x := range sub {
				walk(x, ptr+"/"+k+"/"+strconv.Itoa(i))
			}
		}
		for _, k := range schemaOneKeywords {
			if x, ok := m[k]; ok {
				walk(x, Join(ptr, k))
			}
		}
		if props, _ := m["properties"].(map[string]any); len(props) > wideProperties {
			for _, name := range slices.Sorted(maps.Keys(props)) {
				ptrs = append(ptrs, Join(ptr, "properties", name))
			}
		}
	}
	defs, _ := doc["$defs"].(map[string]any)
	for _, k := range slices.Sorted(maps.Keys(defs)) {
		walk(defs[k], Join("/$defs", k))
	}
	for _, p := range ptrs {
		_, _ = c.Compile(docURL + "#" + escapeFragment(p))
	}
}
