package spec

import (
	"embed"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed daily/*.yaml
var embedded embed.FS

// DefaultContract is the embedded contract hookmock serves when no --spec is given.
const DefaultContract = "daily/daily.yaml"

// EmbeddedName is the Source of a contract loaded from the binary.
func EmbeddedName(name string) string { return "embedded:" + name }

// EmbeddedFile returns the bytes of an embedded contract.
func EmbeddedFile(name string) ([]byte, error) { return embedded.ReadFile(name) }

// EmbeddedContracts lists the embedded contract files.
func EmbeddedContracts() []string {
	ents, _ := embedded.ReadDir("daily")
	out := make([]string, 0, len(ents))
	for _, e := range ents {
		out = append(out, "daily/"+e.Name())
	}
	return out
}

var (
	defaultOnce sync.Once
	defaultSpec *Spec
	defaultErr  error
)

// Default returns the embedded Daily contract (DefaultContract), loaded once.
// The returned Spec is shared and safe for concurrent use.
func Default() (*Spec, error) {
	defaultOnce.Do(func() {
		data, err := EmbeddedFile(DefaultContract)
		if err != nil {
			defaultErr = err
			return
		}
		defaultSpec, defaultErr = LoadBytes(EmbeddedName(DefaultContract), data)
	})
	return defaultSpec, defaultErr
}

// LoadFile loads a contract from a path. "embedded:NAME" loads an embedded one.
func LoadFile(path string, opts ...LoadOption) (*Spec, error) {
	data, err := readContract(path)
	if err != nil {
		return nil, err
	}
	return LoadBytes(path, data, opts...)
}

// LoadOption tunes loading.
type LoadOption func(*loadConfig)

type loadConfig struct {
	deferCompile bool
	strict       bool // see StrictLoad
	limits       Limits
	lint         *[]Problem // LintBytes: the keyword audit records here instead of failing
}

// DeferCompile skips compiling validators at load; they compile on first
// use (or on Compile). Tools that only read schemas, like the gate, save
// about a second per GitHub-sized document.
func DeferCompile() LoadOption { return func(c *loadConfig) { c.deferCompile = true } }

// LoadBytes loads a contract from JSON or YAML bytes; source names it in errors.
func LoadBytes(source string, data []byte, opts ...LoadOption) (*Spec, error) {
	cfg := loadConfig{limits: Limits{}.withDefaults()}
	for _, o := range opts {
		o(&cfg)
	}
	return loadBytes(source, data, cfg)
}

func loadBytes(source string, data []byte, cfg loadConfig) (*Spec, error) {
	root, lines, err := parseDocument(source, data, cfg.limits.yaml())
	if err != nil {
		return nil, err
	}
	s := &Spec{Source: source, root: root, lines: lines, lint: cfg.lint}
	top, ok := root.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: the document must be an object, got %s", source, jsonKind(root))
	}
	s.OpenAPI, _ = top["openapi"].(string)
	hooksKey := ""
	switch {
	case strings.HasPrefix(s.OpenAPI, "3.1.") || strings.HasPrefix(s.OpenAPI, "3.2."):
		hooksKey = "webhooks"
	case strings.HasPrefix(s.OpenAPI, "3.0."):
		hooksKey = "x-webhooks"
	case s.OpenAPI == "":
		return nil, fmt.Errorf("%s: no `openapi` field; is this an OpenAPI document?", source)
	default:
		return nil, fmt.Errorf("%s: OpenAPI %s is not supported (3.0.x with x-webhooks, or 3.1.x with webhooks)", s.Where("/openapi"), s.OpenAPI)
	}
	if info, ok := top["info"].(map[string]any); ok {
		s.Title, _ = info["title"].(string)
		s.Version, _ = info["version"].(string)
	}
	hooks, ok := top[hooksKey].(map[string]any)
	if _, present := top[hooksKey]; present && !ok {
		return nil, fmt.Errorf("%s: `%s` must be an object", s.Where("/"+hooksKey), hooksKey)
	}
	if !ok && hooksKey == "webhooks" {
		if _, has30 := top["x-webhooks"]; has30 {
			return nil, fmt.Errorf("%s: OpenAPI %s documents declare webhooks under `webhooks`, not `x-webhooks`", source, s.OpenAPI)
		}
	}
	if err := s.buildEvents(hooksKey, hooks); err != nil {
		return nil, err
	}
	roots := s.schemaRoots()
	if hooksKey == "x-webhooks" {
		if err := s.walkSchemas(roots, func(m map[string]any, _ string) error { normalize30(m); return nil }); err != nil {
			return nil, err
		}
	}
	s.strict = cfg.strict
	s.raw = data
	// Lint lists every keyword (through the audit) rather than reading it.
	if err := s.leniently(roots, cfg.strict || cfg.lint != nil); err != nil {
		return nil, err
	}
	if err := s.checkEvaluations(roots, cfg.limits); err != nil {
		return nil, err
	}
	for _, e := range s.Events {
		e.Type, e.Version = s.discriminators(e.Body)
	}
	if err := s.index(); err != nil {
		return nil, err
	}
	s.raw = data
	if !cfg.deferCompile {
		if err := s.Compile(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Doc returns kin-openapi's model of the document, loaded on first use:
// it costs seconds on GitHub-sized documents and only linting needs it.
func (s *Spec) Doc() (*openapi3.T, error) {
	s.kinOnce.Do(func() {
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = false
		s.kinDoc, s.kinErr = loader.LoadFromData(s.raw)
		if s.kinErr != nil {
			s.kinErr = fmt.Errorf("%s: %w", s.Source, s.kinErr)
		}
	})
	return s.kinDoc, s.kinErr
}

var httpMethods = []string{"post", "put", "patch", "get", "delete", "head", "options", "trace"}

func (s *Spec) buildEvents(hooksKey string, hooks map[string]any) error {
	for _, name := range slices.Sorted(maps.Keys(hooks)) {
		itemPtr := Join("/"+hooksKey, name)
		item, err := s.derefObject(hooks[name], itemPtr)
		if err != nil {
			return err
		}
		var ops []string
		for _, m := range httpMethods {
			if _, ok := item.v[m]; ok {
				ops = append(ops, m)
			}
		}
		if len(ops) == 0 {
			return fmt.Errorf("%s: webhook %q declares no operation", s.Where(item.ptr), name)
		}
		for _, m := range ops {
			evName := name
			if len(ops) > 1 && m != "post" {
				evName = name + " " + strings.ToUpper(m)
			}
			op, err := s.derefObject(item.v[m], Join(item.ptr, m))
			if err != nil {
				return err
			}
			ev, err := s.buildEvent(evName, strings.ToUpper(m), item, op)
			if err != nil {
				return err
			}
			s.Events = append(s.Events, ev)
		}
	}
	return nil
}

type located struct {
	v   map[string]any
	ptr string
}

// derefObject resolves a Reference Object (or a plain object) to an object.
func (s *Spec) derefObject(v any, ptr string) (located, error) {
	for range 32 {
		m, ok := v.(map[string]any)
		if !ok {
			return located{}, fmt.Errorf("%s: expected an object, got %s", s.Where(ptr), jsonKind(v))
		}
		ref, isRef := m["$ref"].(string)
		if !isRef {
			return located{m, ptr}, nil
		}
		target, err := refPointer(ref)
		if err != nil {
			return located{}, fmt.Errorf("%s: %w", s.Where(ptr), err)
		}
		if v, ok = walkPointer(s.root, target); !ok {
			return located{}, fmt.Errorf("%s: $ref %q points at nothing", s.Where(ptr), ref)
		}
		ptr = target
	}
	return located{}, fmt.Errorf("%s: $ref chain too long", s.Where(ptr))
}

func (s *Spec) buildEvent(name, method string, item, op located) (*Event, error) {
	e := &Event{Name: name, Method: method, Direction: ProviderToConsumer}
	e.Summary, _ = op.v["summary"].(string)
	e.Description, _ = op.v["description"].(string)
	e.OperationID, _ = op.v["operationId"].(string)
	if e.Summary == "" {
		e.Summary, _ = item.v["summary"].(string)
	}
	if rb, ok := op.v["requestBody"]; ok {
		body, err := s.derefObject(rb, Join(op.ptr, "requestBody"))
		if err != nil {
			return nil, err
		}
		mt, media, err := s.pickMedia(body)
		if err != nil {
			return nil, err
		}
		if media.v != nil {
			e.ContentType = mt
			if sch, ok := media.v["schema"]; ok {
				if sch == nil {
					return nil, fmt.Errorf("%s: schema is null; give a schema object or omit it", s.Where(Join(media.ptr, "schema")))
				}
				e.Body = Schema{Ptr: Join(media.ptr, "schema"), Raw: sch}
			}
			ex, err := s.examples(media)
			if err != nil {
				return nil, err
			}
			e.Examples = ex
		}
	}
	if e.Body.Raw == nil {
		// No declared body: anything goes. The empty pointer marks a
		// schema that is not in the document.
		e.Body = Schema{Ptr: "", Raw: true}
	}
	if rs, ok := op.v["responses"].(map[string]any); ok {
		for _, status := range slices.Sorted(maps.Keys(rs)) {
			r, err := s.derefObject(rs[status], Join(op.ptr, "responses", status))
			if err != nil {
				return nil, err
			}
			resp := Response{Status: status, Direction: ConsumerToProvider}
			resp.Description, _ = r.v["description"].(string)
			mt, media, err := s.pickMedia(r)
			if err != nil {
				return nil, err
			}
			if media.v != nil {
				resp.ContentType = mt
				if sch, ok := media.v["schema"]; ok {
					resp.Body = &Schema{Ptr: Join(media.ptr, "schema"), Raw: sch}
				}
			}
			e.Responses = append(e.Responses, resp)
		}
	}
	type param struct {
		v   any
		ptr string
	}
	var params []param
	for _, owner := range []located{item, op} {
		p, _ := owner.v["parameters"].([]any)
		for i := range p {
			params = append(params, param{p[i], fmt.Sprintf("%s/parameters/%d", owner.ptr, i)})
		}
	}
	for _, pv := range params {
		p, err := s.derefObject(pv.v, pv.ptr)
		if err != nil {
			return nil, err
		}
		if in, _ := p.v["in"].(string); in != "header" {
			continue
		}
		h := Header{}
		h.Name, _ = p.v["name"].(string)
		h.Required, _ = p.v["required"].(bool)
		if sch, ok := p.v["schema"]; ok {
			h.Schema = &Schema{Ptr: Join(p.ptr, "schema"), Raw: sch}
		}
		h.Example = p.v["example"]
		if exs, ok := p.v["examples"].(map[string]any); ok && h.Example == nil {
			for _, k := range slices.Sorted(maps.Keys(exs)) {
				if ex, ok := exs[k].(map[string]any); ok && ex["value"] != nil {
					h.Example = ex["value"]
					break
				}
			}
		}
		e.Headers = append(e.Headers, h)
	}
	return e, nil
}

// pickMedia chooses the JSON media type of a body or response.
func (s *Spec) pickMedia(obj located) (string, located, error) {
	content, ok := obj.v["content"].(map[string]any)
	if !ok || len(content) == 0 {
		return "", located{}, nil
	}
	keys := slices.Sorted(maps.Keys(content))
	choice := keys[0]
	for _, k := range keys {
		if k == "application/json" {
			choice = k
			break
		}
		if strings.Contains(k, "json") && !strings.Contains(choice, "json") {
			choice = k
		}
	}
	media, err := s.derefObject(content[choice], Join(obj.ptr, "content", choice))
	return choice, media, err
}

func (s *Spec) examples(media located) ([]Example, error) {
	var out []Example
	if v, ok := media.v["example"]; ok {
		out = append(out, Example{Name: "example", Value: v, Ptr: Join(media.ptr, "example")})
	}
	exs, _ := media.v["examples"].(map[string]any)
	for _, name := range slices.Sorted(maps.Keys(exs)) {
		ex, err := s.derefObject(exs[name], Join(media.ptr, "examples", name))
		if err != nil {
			return nil, err
		}
		v, ok := ex.v["value"]
		if !ok {
			continue // externalValue examples live outside the document
		}
		summary, _ := ex.v["summary"].(string)
		out = append(out, Example{Name: name, Summary: summary, Value: v, Ptr: Join(ex.ptr, "value")})
	}
	return out, nil
}

// bodyRoots lists the schemas that messages are validated against: event
// bodies and response bodies.
func (s *Spec) bodyRoots() []string {
	var roots []string
	for _, e := range s.Events {
		if e.Body.Ptr != "" {
			roots = append(roots, e.Body.Ptr)
		}
		for _, r := range e.Responses {
			if r.Body != nil {
				roots = append(roots, r.Body.Ptr)
			}
		}
	}
	return roots
}

// schemaRoots lists every schema location the loader must normalize, audit
// and compile: event bodies, responses, headers and all component schemas.
func (s *Spec) schemaRoots() []string {
	roots := s.bodyRoots()
	for _, e := range s.Events {
		for _, h := range e.Headers {
			if h.Schema != nil {
				roots = append(roots, h.Schema.Ptr)
			}
		}
	}
	if comps, ok := walkPointer(s.root, "/components/schemas"); ok {
		if m, ok := comps.(map[string]any); ok {
			for _, k := range slices.Sorted(maps.Keys(m)) {
				roots = append(roots, Join("/components/schemas", k))
			}
		}
	}
	sort.Strings(roots)
	return roots
}

// discriminators reads the body's `type` and `version` declarations.
func (s *Spec) discriminators(body Schema) (typ, version string) {
	if p, ok := s.findProperty(body, "type", 0); ok {
		typ = singleString(p, "const", "enum")
	}
	if p, ok := s.findProperty(body, "version", 0); ok {
		version = singleString(p, "const", "enum", "default", "examples")
	}
	return typ, version
}

// findProperty finds a property's schema through $refs and allOf, merging
// the property's own keywords with those of its $ref target.
func (s *Spec) findProperty(sc Schema, name string, depth int) (map[string]any, bool) {
	if depth > 16 {
		return nil, false
	}
	sc, err := s.Deref(sc)
	if err != nil {
		return nil, false
	}
	m := sc.Map()
	if props, ok := m["properties"].(map[string]any); ok {
		if p, ok := props[name]; ok {
			return s.flatten(Schema{Ptr: Join(sc.Ptr, "properties", name), Raw: p}), true
		}
	}
	if all, ok := m["allOf"].([]any); ok {
		for i, sub := range all {
			if p, ok := s.findProperty(Schema{Ptr: fmt.Sprintf("%s/allOf/%d", sc.Ptr, i), Raw: sub}, name, depth+1); ok {
				return p, true
			}
		}
	}
	return nil, false
}

// flatten merges a schema's keywords over those of its $ref chain.
func (s *Spec) flatten(sc Schema) map[string]any {
	out := map[string]any{}
	for range 32 {
		m := sc.Map()
		for k, v := range m {
			if _, set := out[k]; !set && k != "$ref" {
				out[k] = v
			}
		}
		if _, ok := m["$ref"]; !ok {
			break
		}
		next, err := s.Deref(Schema{Ptr: sc.Ptr, Raw: map[string]any{"$ref": m["$ref"]}})
		if err != nil {
			break
		}
		sc = next
	}
	return out
}

// singleString returns the first keyword that pins a single string value.
func singleString(m map[string]any, keywords ...string) string {
	for _, k := range keywords {
		switch v := m[k].(type) {
		case string:
			return v
		case []any:
			if len(v) == 1 || (k == "examples" && len(v) > 0) {
				if str, ok := v[0].(string); ok {
					return str
				}
			}
		}
	}
	return ""
}
