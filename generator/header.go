package generator

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/hookmock/hookmock/generator/seeds"
	"github.com/hookmock/hookmock/spec"
)

// HeaderValue generates the text of a declared header parameter from its
// schema, reproducibly from seed (a delivery's retries send the same
// value). The parameter's own example comes first, as the provider
// documents it; a header without a schema gets its example or a token.
func (g *Generator) HeaderValue(h spec.Header, seed uint64) (string, error) {
	if h.Example != nil {
		if s, ok := headerText(h.Example); ok && (h.Schema == nil || g.headerFits(h, s)) {
			return s, nil
		}
	}
	if h.Schema == nil {
		return fmt.Sprintf("%016x", seeds.Mix(seed)), nil
	}
	root := g.planner.root(*h.Schema)
	ep := &eventPlan{nameHash: seeds.Hash(seeds.Raw(h.Name))}
	req := Request{Seed: seed}
	c := g.ctx(ep, req, g.newDraft(ep, req), 0)
	defer c.release()
	v, err := c.value(root, hintFor(strings.ReplaceAll(h.Name, "-", "_")), 0)
	if err != nil {
		return "", fmt.Errorf("header %s: %w", h.Name, err)
	}
	s, ok := headerText(v)
	if !ok {
		return "", fmt.Errorf("header %s: its schema at %s gives %T, not text", h.Name, g.spec.Where(h.Schema.Ptr), v)
	}
	return s, nil
}

// headerFits: a documented example that no longer fits the schema (GitHub
// documents X-GitHub-Hook-Id as the number 12312312 and types it string;
// its text fits) is not sent.
func (g *Generator) headerFits(h spec.Header, s string) bool {
	if m, ok := h.Schema.Raw.(map[string]any); ok && len(m) == 1 && m["type"] == "string" {
		return true
	}
	if v, ok := g.headers.Load(h.Schema.Ptr); ok {
		return len(v.(*spec.Validator).Validate(s)) == 0
	}
	v, err := g.spec.SchemaValidator(h.Schema.Ptr)
	if err != nil {
		return false
	}
	g.headers.Store(h.Schema.Ptr, v)
	return len(v.Validate(s)) == 0
}

// headerText writes a scalar as a header value; objects and arrays have
// no single header form.
func headerText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case int:
		return strconv.Itoa(x), true
	}
	return "", false
}
