package spec

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Subschema keywords, by shape. The walker, the 3.0 normalizer and the
// keyword audit all use these tables, so a keyword is either understood
// everywhere or rejected at load.
var (
	schemaMapKeywords   = []string{"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
	schemaArrayKeywords = []string{"allOf", "anyOf", "oneOf", "prefixItems"}
	schemaOneKeywords   = []string{"not", "if", "then", "else", "items", "additionalProperties",
		"unevaluatedProperties", "unevaluatedItems", "contains", "propertyNames", "contentSchema"}
)

// knownKeywords are honoured by the validator (JSON Schema 2020-12) or are
// annotations OpenAPI defines. Anything else that is not an `x-` extension
// fails the load: silently ignoring a keyword is how a contract lies.
var knownKeywords = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range []string{
		"$schema", "$id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$comment", "$vocabulary",
		"type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
		"maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
		"maxProperties", "minProperties", "required", "dependentRequired",
		"format", "contentEncoding", "contentMediaType",
		"title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
		// OpenAPI's own schema annotations.
		"discriminator", "xml", "externalDocs", "example",
	} {
		m[k] = true
	}
	for _, ks := range [][]string{schemaMapKeywords, schemaArrayKeywords, schemaOneKeywords} {
		for _, k := range ks {
			m[k] = true
		}
	}
	return m
}()

// schemaVisitor is called once per schema object reachable from the roots,
// including through $refs.
type schemaVisitor func(m map[string]any, ptr string) error

// walkSchemas visits every schema object reachable from the given roots,
// following local $refs, each location once.
func (s *Spec) walkSchemas(roots []string, visit schemaVisitor) error {
	seen := map[string]bool{}
	var walk func(v any, ptr string) error
	walk = func(v any, ptr string) error {
		m, ok := v.(map[string]any)
		if !ok {
			if _, isBool := v.(bool); isBool || v == nil {
				return nil
			}
			return fmt.Errorf("%s: a schema must be an object or a boolean, got %s", s.Where(ptr), jsonKind(v))
		}
		if seen[ptr] {
			return nil
		}
		seen[ptr] = true
		if err := visit(m, ptr); err != nil {
			return err
		}
		if ref, ok := m["$ref"].(string); ok {
			target, err := refPointer(ref)
			if err != nil {
				return fmt.Errorf("%s: %w", s.Where(ptr), err)
			}
			tv, ok := walkPointer(s.root, target)
			if !ok {
				return fmt.Errorf("%s: $ref %q points at nothing", s.Where(ptr), ref)
			}
			if err := walk(tv, target); err != nil {
				return err
			}
		}
		for _, k := range schemaMapKeywords {
			sub, ok := m[k].(map[string]any)
			if !ok {
				continue
			}
			for _, name := range slices.Sorted(maps.Keys(sub)) {
				if err := walk(sub[name], Join(ptr, k, name)); err != nil {
					return err
				}
			}
		}
		for _, k := range schemaArrayKeywords {
			sub, ok := m[k].([]any)
			if !ok {
				continue
			}
			for i, c := range sub {
				if err := walk(c, fmt.Sprintf("%s/%s/%d", ptr, k, i)); err != nil {
					return err
				}
			}
		}
		for _, k := range schemaOneKeywords {
			if c, ok := m[k]; ok {
				if err := walk(c, Join(ptr, k)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, r := range roots {
		v, ok := walkPointer(s.root, r)
		if !ok {
			continue
		}
		if err := walk(v, r); err != nil {
			return err
		}
	}
	return nil
}

// auditKeywords rejects schema keywords the validator would not honour.
// While linting it records every one instead and lets the load go on.
func (s *Spec) auditKeywords(m map[string]any, ptr string) error {
	ps := s.keywordProblems(m, ptr)
	if len(ps) == 0 {
		return nil
	}
	if s.lint != nil {
		*s.lint = append(*s.lint, ps...)
		return nil
	}
	return errors.New(ps[0].String())
}

// keywordProblems lists what the audit finds in one schema object, the
// most specific advice first.
func (s *Spec) keywordProblems(m map[string]any, ptr string) []Problem {
	var first, bad []Problem
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if strings.HasPrefix(k, "x-") || knownKeywords[k] {
			continue
		}
		if k == "nullable" {
			first = append(first, s.problem(RuleKeyword, Join(ptr, k), fmt.Sprintf("keyword %q is OpenAPI 3.0 only; in %s write the type as an array that includes \"null\"", k, s.OpenAPI)))
			continue
		}
		bad = append(bad, s.problem(RuleKeyword, Join(ptr, k), fmt.Sprintf("unsupported schema keyword %q (not JSON Schema 2020-12, not an OpenAPI annotation, not an x- extension)", k)))
	}
	for _, k := range []string{"exclusiveMinimum", "exclusiveMaximum"} {
		if _, isBool := m[k].(bool); isBool {
			first = append(first, s.problem(RuleKeyword, Join(ptr, k), fmt.Sprintf("boolean %q is OpenAPI 3.0 syntax; in %s it takes the bound itself", k, s.OpenAPI)))
		}
	}
	return append(first, bad...)
}

// normalize30 rewrites OpenAPI 3.0 schema dialect into JSON Schema 2020-12,
// in place, so one validator and one generator serve both versions.
// `nullable: true` widens `type` with "null". Following OAS 3.0.3, it does
// not add null to an `enum`: an enum that should allow null must list it.
func normalize30(m map[string]any) {
	if n, ok := m["nullable"].(bool); ok {
		delete(m, "nullable")
		if n {
			switch t := m["type"].(type) {
			case string:
				m["type"] = []any{t, "null"}
			case []any:
				if !containsValue(t, "null") {
					m["type"] = append(t, "null")
				}
			}
		}
	}
	for kw, bound := range map[string]string{"exclusiveMinimum": "minimum", "exclusiveMaximum": "maximum"} {
		excl, ok := m[kw].(bool)
		if !ok {
			continue
		}
		delete(m, kw)
		if b, has := m[bound]; excl && has {
			m[kw] = b
			delete(m, bound)
		}
	}
}

func containsValue(a []any, v any) bool {
	for _, x := range a {
		if x == v {
			return true
		}
	}
	return false
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	default:
		return "number"
	}
}
