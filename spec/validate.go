package spec

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// docURL is where the document lives inside the schema compiler. Nothing is
// ever fetched from it: the compiler's loader refuses every URL.
const docURL = "file:///hookmock/contract.json"

// Violation is one way a message breaks its schema.
type Violation struct {
	// Pointer locates the offending value in the message (RFC 6901; "" is the root).
	Pointer string `json:"pointer"`
	// Keyword is the schema keyword that failed, e.g. "required" or "format".
	Keyword string `json:"keyword"`
	// SchemaPointer locates the failing keyword in the contract document.
	SchemaPointer string `json:"schemaPointer"`
	Message       string `json:"message"`
}

func (v Violation) String() string {
	p := v.Pointer
	if p == "" {
		p = "/"
	}
	return fmt.Sprintf("%s: %s", p, v.Message)
}

type refusingLoader struct{}

func (refusingLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("refusing to fetch %s: contracts must be self-contained", url)
}

// Compile builds one validator per body and response schema, once.
//
// The compiler sees a rewritten copy of the document in which every schema
// location we compile, and every $ref target, sits directly under `$defs`.
// Handing it the OpenAPI document as-is makes each out-of-keyword subschema
// (all of components/schemas) clone the compiler's bookkeeping, which is
// quadratic: GitHub's spec took 15 s to compile that way.
func (s *Spec) Compile() error {
	s.compileOnce.Do(func() { s.compileErr = s.compile() })
	return s.compileErr
}

func (s *Spec) compile() error {
	s.keys = s.propertyNames()
	c, err := s.newCompiler(s.bodyRoots()...)
	if err != nil {
		return err
	}
	compileAt := func(ptr string) (*jsonschema.Schema, error) {
		if ptr == "" {
			return anything, nil
		}
		sch, err := c.Compile(docURL + "#" + escapeFragment(defsPointer(ptr)))
		if err != nil {
			return nil, s.compileError(ptr, err)
		}
		return sch, nil
	}
	for _, e := range s.Events {
		sch, err := compileAt(e.Body.Ptr)
		if err != nil {
			return err
		}
		e.compiled = sch
		for i := range e.Responses {
			if r := &e.Responses[i]; r.Body != nil {
				if r.compiled, err = compileAt(r.Body.Ptr); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// anything validates every value: the schema of an event without a body.
var anything = func() *jsonschema.Schema {
	c := jsonschema.NewCompiler()
	if err := c.AddResource("file:///hookmock/true.json", true); err != nil {
		panic(err) // a constant schema; cannot fail
	}
	return c.MustCompile("file:///hookmock/true.json")
}()

// compileError names the offending keyword. A schema that breaks the
// metaschema is reported at the exact place, e.g. the bad pattern.
func (s *Spec) compileError(ptr string, err error) error {
	var mse *jsonschema.SchemaValidationError
	if errors.As(err, &mse) {
		for _, v := range s.flattenErrors(mse.Err) {
			// The instance here is the compiler's copy of the document.
			at := s.schemaPath(v.Pointer)
			return fmt.Errorf("%s: schema does not compile: %s", s.Where(at), v.Message)
		}
	}
	return fmt.Errorf("%s: schema does not compile: %s", s.Where(ptr), s.unmapMessage(err.Error()))
}

// newCompiler prepares a compiler holding the schemas at roots.
func (s *Spec) newCompiler(roots ...string) (*jsonschema.Compiler, error) {
	doc, err := s.compilerDocument(roots...)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.UseLoader(refusingLoader{})
	if err := c.AddResource(docURL, doc); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Source, err)
	}
	precompileWide(c, doc)
	return c, nil
}

// Validator checks values against one schema of the document.
type Validator struct {
	spec *Spec
	sch  *jsonschema.Schema
}

// Validate returns every violation of v (decoded JSON) against the schema.
func (v *Validator) Validate(x any) []Violation { return v.spec.flattenErrors(v.sch.Validate(x)) }

// SchemaValidator compiles the schema at ptr (any schema in the document,
// e.g. /components/schemas/WebhookCreateRequest). Compile it once and keep it.
func (s *Spec) SchemaValidator(ptr string) (*Validator, error) {
	if _, ok := walkPointer(s.root, ptr); !ok {
		return nil, fmt.Errorf("%s: no schema at %s", s.Source, ptr)
	}
	audit := s.auditKeywords
	if !s.strict {
		// Loading read every component leniently already; this reads
		// whatever else ptr reaches the same way.
		audit = func(m map[string]any, ptr string) error { s.interpret(m, ptr); return nil }
	}
	if err := s.walkSchemas([]string{ptr}, audit); err != nil {
		return nil, err
	}
	c, err := s.newCompiler(ptr)
	if err != nil {
		return nil, err
	}
	sch, err := c.Compile(docURL + "#" + escapeFragment(defsPointer(ptr)))
	if err != nil {
		return nil, s.compileError(ptr, err)
	}
	return &Validator{spec: s, sch: sch}, nil
}

// defsPointer is where a document location lives in the compiler's copy.
func defsPointer(ptr string) string { return "/$defs/" + Escape(ptr) }

// documentPointer maps a location in the compiler's copy back to the document.
func documentPointer(p string) string {
	rest, ok := strings.CutPrefix(p, "/$defs/")
	if !ok {
		return p
	}
	tok, tail, _ := strings.Cut(rest, "/")
	if tail != "" {
		tail = "/" + tail
	}
	return Unescape(tok) + tail
}

// unmapMessage rewrites compiler locations in a message to document pointers.
func (s *Spec) unmapMessage(msg string) string {
	var b strings.Builder
	for {
		i := strings.Index(msg, docURL+"#")
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		b.WriteString(msg[:i])
		msg = msg[i+len(docURL)+1:]
		end := strings.IndexAny(msg, " '\"")
		if end < 0 {
			end = len(msg)
		}
		frag, _ := url.PathUnescape(msg[:end])
		b.WriteString(documentPointer(frag))
		msg = msg[end:]
	}
}

// compilerDocument copies the schemas the compiler needs under `$defs`,
// rewriting local $refs to match. Small, non-recursive $ref targets are
// inlined: every $ref costs the validator a scope and an allocation per
// event, and a calltransfer body has a dozen of them. Violations are mapped
// back through the $refs to where the keyword is written (schemaPath).
func (s *Spec) compilerDocument(roots ...string) (map[string]any, error) {
	defs := map[string]any{}
	var pending []string
	queued := map[string]bool{}
	enqueue := func(ptr string) {
		if !queued[ptr] {
			queued[ptr] = true
			pending = append(pending, ptr)
		}
	}
	var cp func(v any, inlining []string) (any, error)
	cp = func(v any, inlining []string) (any, error) {
		switch t := v.(type) {
		case map[string]any:
			if ref, ok := t["$ref"].(string); ok {
				target, err := refPointer(ref)
				if err != nil {
					return nil, err
				}
				if tv, ok := s.inlinable(t, target, inlining); ok {
					return cp(tv, append(inlining, target))
				}
			}
			out := make(map[string]any, len(t))
			for k, x := range t {
				if ref, ok := x.(string); ok && k == "$ref" {
					target, err := refPointer(ref)
					if err != nil {
						return nil, err
					}
					enqueue(target)
					out[k] = "#" + escapeFragment(defsPointer(target))
					continue
				}
				c, err := cp(x, inlining)
				if err != nil {
					return nil, err
				}
				out[k] = c
			}
			return out, nil
		case []any:
			out := make([]any, len(t))
			for i, x := range t {
				c, err := cp(x, inlining)
				if err != nil {
					return nil, err
				}
				out[i] = c
			}
			return out, nil
		}
		return v, nil
	}
	for _, r := range roots {
		enqueue(r)
	}
	for i := 0; i < len(pending); i++ {
		ptr := pending[i]
		v, ok := walkPointer(s.root, ptr)
		if !ok {
			return nil, fmt.Errorf("%s: nothing at this location", s.Where(ptr))
		}
		c, err := cp(v, []string{ptr})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Where(ptr), err)
		}
		defs[ptr] = c
	}
	return map[string]any{"$defs": defs}, nil
}

// Inlining limits: a target larger than this (in JSON nodes), or nested
// deeper, stays a $ref, so that big shared schemas (GitHub's simple-user is
// used by 259 events) are compiled once.
const (
	maxInlineNodes = 48
	maxInlineDepth = 8
)

// annotations are keywords that never affect validation, so a $ref whose
// siblings are only these can be replaced by its target.
var annotations = map[string]bool{"description": true, "title": true, "default": true, "examples": true,
	"example": true, "deprecated": true, "readOnly": true, "writeOnly": true, "$comment": true}

// inlinable returns the target of a $ref when it may be copied in place.
func (s *Spec) inlinable(ref map[string]any, target string, inlining []string) (any, bool) {
	if len(inlining) > maxInlineDepth || slices.Contains(inlining, target) {
		return nil, false
	}
	for k := range ref {
		if k != "$ref" && !annotations[k] && !strings.HasPrefix(k, "x-") {
			return nil, false
		}
	}
	tv, ok := walkPointer(s.root, target)
	if !ok {
		return nil, false
	}
	if m, ok := tv.(map[string]any); ok {
		if _, nested := m["$ref"]; nested {
			return nil, false // keep chains simple to map back
		}
	}
	if countNodes(tv, maxInlineNodes+1) > maxInlineNodes {
		return nil, false
	}
	return tv, true
}

// countNodes counts JSON objects and arrays in v, stopping past limit.
func countNodes(v any, limit int) int {
	n := 0
	var walk func(any)
	walk = func(v any) {
		if n > limit {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			n++
			for _, x := range t {
				walk(x)
			}
		case []any:
			n++
			for _, x := range t {
				walk(x)
			}
		}
	}
	walk(v)
	return n
}

// schemaPath maps a location in the compiler's copy back to the document,
// following the $refs that were inlined along the way.
func (s *Spec) schemaPath(p string) string {
	rest, ok := strings.CutPrefix(p, "/$defs/")
	if !ok {
		return p
	}
	tok, tail, _ := strings.Cut(rest, "/")
	cur := Unescape(tok)
	node, ok := walkPointer(s.root, cur)
	if !ok || tail == "" {
		return cur + prefixSlash(tail)
	}
	toks, err := Split("/" + tail)
	if err != nil {
		return cur + "/" + tail
	}
	for _, t := range toks {
		if m, isMap := node.(map[string]any); isMap {
			if ref, hasRef := m["$ref"].(string); hasRef {
				if _, here := m[t]; !here {
					if target, err := refPointer(ref); err == nil {
						if tv, ok := walkPointer(s.root, target); ok {
							node, cur = tv, target
						}
					}
				}
			}
		}
		next, ok := walkPointer(node, "/"+Escape(t))
		if !ok {
			return cur + "/" + Escape(t)
		}
		node, cur = next, cur+"/"+Escape(t)
	}
	return cur
}

func prefixSlash(s string) string {
	if s == "" {
		return ""
	}
	return "/" + s
}

// escapeFragment percent-encodes what a URL fragment cannot hold verbatim.
func escapeFragment(ptr string) string {
	var b strings.Builder
	for i := 0; i < len(ptr); i++ {
		ch := ptr[i]
		if ch == '%' || ch == ' ' || ch == '#' || ch == '"' || ch == '<' || ch == '>' || ch == '\\' || ch == '^' || ch == '`' || ch == '{' || ch == '|' || ch == '}' || ch < 0x20 || ch >= 0x7f {
			fmt.Fprintf(&b, "%%%02X", ch)
			continue
		}
		b.WriteByte(ch)
	}
	return b.String()
}

// ValidateOption tunes validation.
type ValidateOption func(*validateConfig)

type validateConfig struct{ strict bool }

// Strict also reports properties the contract does not declare. Contracts
// allow them (consumers must tolerate additive change); strict mode is for
// producers who want to know they send more than they promise.
func Strict() ValidateOption { return func(c *validateConfig) { c.strict = true } }

// Validate checks raw JSON against an event's body schema. It returns every
// violation, or an error when the input is not JSON (naming line and column).
// It is safe for concurrent use.
func (s *Spec) Validate(e *Event, raw []byte, opts ...ValidateOption) ([]Violation, error) {
	// Compile first: it also builds the key table the decoder reads.
	if err := s.Compile(); err != nil {
		return nil, err
	}
	v, err := decodeInterned(raw, s.keys)
	if err != nil {
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	return e.ValidateValue(v, opts...), nil
}

// ValidateValue checks an already-decoded JSON value (numbers as json.Number
// or float64) against the event's body schema.
func (e *Event) ValidateValue(v any, opts ...ValidateOption) []Violation {
	var cfg validateConfig
	for _, o := range opts {
		o(&cfg)
	}
	if err := e.spec.Compile(); err != nil {
		return []Violation{{Keyword: "compile", Message: err.Error()}}
	}
	out := e.spec.flattenErrors(e.compiled.Validate(v))
	if cfg.strict {
		out = append(out, e.spec.undeclared(e.Body, v, "")...)
	}
	return out
}

// ValidateResponse checks a consumer's response body against the declared
// response schema for status; ok is false when no schema is declared.
func (e *Event) ValidateResponse(status string, v any) (violations []Violation, ok bool) {
	if err := e.spec.Compile(); err != nil {
		return []Violation{{Keyword: "compile", Message: err.Error()}}, true
	}
	for _, r := range e.Responses {
		if r.Status == status && r.compiled != nil {
			return e.spec.flattenErrors(r.compiled.Validate(v)), true
		}
	}
	return nil, false
}

var printer = message.NewPrinter(language.English)

// flattenErrors turns the validator's error tree into its leaves, the places
// where a value actually broke a keyword.
func (s *Spec) flattenErrors(err error) []Violation {
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Violation{{Message: err.Error()}}
	}
	var out []Violation
	seen := map[string]bool{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		v := Violation{Message: e.ErrorKind.LocalizedString(printer)}
		if kp := e.ErrorKind.KeywordPath(); len(kp) > 0 {
			v.Keyword = kp[len(kp)-1]
		}
		toks := make([]string, len(e.InstanceLocation))
		for i, t := range e.InstanceLocation {
			toks[i] = Escape(t)
		}
		if len(toks) > 0 {
			v.Pointer = "/" + strings.Join(toks, "/")
		}
		// SchemaURL is the failing schema; the keyword path completes it,
		// so that the pointer names the keyword itself (…/Uuid/format).
		v.SchemaPointer = s.schemaPath(Join(fragmentOf(e.SchemaURL), e.ErrorKind.KeywordPath()...))
		add := func(v Violation) {
			key := v.Pointer + "\x00" + v.Message
			if !seen[key] {
				seen[key] = true
				out = append(out, v)
			}
		}
		// A missing property is reported where it should have been, so
		// that "missing room" points at /payload/room, not at /payload.
		if req, ok := e.ErrorKind.(*kind.Required); ok {
			for _, name := range req.Missing {
				add(Violation{Pointer: Join(v.Pointer, name), Keyword: v.Keyword, SchemaPointer: v.SchemaPointer,
					Message: fmt.Sprintf("missing required property %q", name)})
			}
			return
		}
		add(v)
	}
	walk(ve)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pointer < out[j].Pointer })
	return out
}

// fragmentOf is the JSON pointer of a compiler URL.
func fragmentOf(u string) string {
	frag, _ := url.PathUnescape(strings.TrimPrefix(u, docURL+"#"))
	return frag
}

// propertyNames collects every property name the contract declares, for
// the decoder's key table.
func (s *Spec) propertyNames() map[string]string {
	keys := map[string]string{}
	_ = s.walkSchemas(s.schemaRoots(), func(m map[string]any, _ string) error {
		if props, ok := m["properties"].(map[string]any); ok {
			for k := range props {
				keys[k] = k
			}
		}
		return nil
	})
	return keys
}
