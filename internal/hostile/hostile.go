// Package hostile builds the small documents that once crashed, hung or
// exhausted hookmock, for the tests and fuzz seeds that keep them harmless.
// Each spec has one webhook, "e", whose body is #/components/schemas/s0.
package hostile

import (
	"fmt"
	"strings"
)

const head = `openapi: 3.1.0
info: {title: hostile, version: '1.0.0'}
webhooks:
  e:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/s0'}
      responses:
        '200': {description: ok}
components:
  schemas:
`

// Spec wraps schema lines (indented under components/schemas) into a spec.
func Spec(schemas string) []byte { return []byte(head + schemas) }

// RefDAG is levels of allOf: [$ref next, $ref next]: 3 KB at 30 levels,
// 2^30 paths for anything that walks it without memoizing.
func RefDAG(levels int) []byte {
	var b strings.Builder
	for i := range levels {
		fmt.Fprintf(&b, "    s%d:\n      allOf: [{$ref: '#/components/schemas/s%d'}, {$ref: '#/components/schemas/s%d'}]\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "    s%d: {type: object, required: [id], properties: {id: {type: string}}}\n", levels)
	return Spec(b.String())
}

// ManyProperties is one object with n required string properties.
func ManyProperties(n int) []byte {
	var b strings.Builder
	b.WriteString("    s0:\n      type: object\n      required: [")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "p%d", i)
	}
	b.WriteString("]\n      properties:\n")
	for i := range n {
		fmt.Fprintf(&b, "        p%d: {type: string}\n", i)
	}
	return Spec(b.String())
}

// DeepAllOf nests allOf n deep, inline.
func DeepAllOf(n int) []byte {
	return Spec("    s0: " + strings.Repeat("{allOf: [", n) + "{type: object}" + strings.Repeat("]}", n) + "\n")
}

// RefChain is n schemas, each allOf: [$ref next].
func RefChain(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "    s%d:\n      allOf: [{$ref: '#/components/schemas/s%d'}]\n", i, i+1)
	}
	fmt.Fprintf(&b, "    s%d: {type: object, required: [id], properties: {id: {type: string}}}\n", n)
	return Spec(b.String())
}

// MinItems requires an array of at least n strings.
func MinItems(n int64) []byte {
	return Spec(fmt.Sprintf("    s0: {type: object, required: [a], properties: {a: {type: array, minItems: %d, items: {type: string}}}}\n", n))
}

// MinLength requires a string of at least n characters.
func MinLength(n int64) []byte {
	return Spec(fmt.Sprintf("    s0: {type: object, required: [a], properties: {a: {type: string, minLength: %d}}}\n", n))
}

// RefCycle is a schema that requires itself: no finite instance.
func RefCycle() []byte {
	return Spec("    s0: {type: object, required: [next], properties: {next: {$ref: '#/components/schemas/s0'}}}\n")
}

// AliasCycleSpec is a spec whose YAML holds an alias inside its own anchor.
func AliasCycleSpec() []byte {
	return []byte("openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks: &w\n  e: *w\n")
}

// Laughs is YAML where each of levels anchors names the previous one nine
// times: ten levels in under a kilobyte expand to 10⁹ nodes.
func Laughs(levels int) string {
	var b strings.Builder
	b.WriteString("  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "  l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 9), ", "))
	}
	return b.String()
}

// LaughsSpec is a valid spec carrying Laughs(10) in an extension.
func LaughsSpec() []byte {
	return append(Spec("    s0: {type: object}\n"), []byte("x-lol:\n"+Laughs(10))...)
}

// AliasCycleScenario is the 124-byte scenario that killed the server with a
// stack overflow.
func AliasCycleScenario() []byte {
	return []byte("name: x\ndescription: d\nsteps:\n  - event: calltransfer.triggered\n    set: &m {payload.room: *m}\n")
}

// LaughsScenario is a scenario with Laughs(10) under a key.
func LaughsScenario() []byte {
	return []byte("name: x\ndescription: d\nsteps:\n  - event: calltransfer.triggered\nlol:\n" + Laughs(10))
}
