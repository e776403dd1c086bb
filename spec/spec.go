// Package spec loads webhook contracts: OpenAPI 3.1 documents with top-level
// `webhooks` and OpenAPI 3.0 documents with `x-webhooks`. It exposes the
// events they declare as a typed model and validates event bodies against
// them with compiled JSON Schema 2020-12 validators.
package spec

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Direction says who produces a message and who reads it. A webhook body is
// written by the provider and read by the consumer, so compatibility rules
// treat it like an API response, not like a request.
type Direction int

const (
	// ProviderToConsumer is a webhook request body: the provider sends it.
	ProviderToConsumer Direction = iota + 1
	// ConsumerToProvider is a webhook's declared response: the consumer sends it.
	ConsumerToProvider
)

func (d Direction) String() string {
	switch d {
	case ProviderToConsumer:
		return "provider-to-consumer"
	case ConsumerToProvider:
		return "consumer-to-provider"
	}
	return fmt.Sprintf("Direction(%d)", int(d))
}

// MarshalText lets reports carry the direction by name.
func (d Direction) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Spec is one loaded webhook contract.
type Spec struct {
	// Source names the document in messages: a path, or "embedded:…".
	Source string
	// OpenAPI is the document's `openapi` field, e.g. "3.1.0".
	OpenAPI string
	// Title and Version come from `info`.
	Title   string
	Version string
	// Events are sorted by name.
	Events []*Event
	root   any            // the document as JSON values (json.Number for numbers)
	lines  map[string]int // JSON pointer → line, for YAML sources
	byName map[string]*Event
	byType map[string]*Event

	strict   bool      // loaded with Strict
	warnings []Warning // lenient readings (see Warning)

	raw     []byte // the source, for kin-openapi's lazy load
	kinOnce sync.Once
	kinDoc  *openapi3.T
	kinErr  error
	lint    *[]Problem // set while linting: the keyword audit records instead of failing

	compileOnce sync.Once
	compileErr  error
	keys        map[string]string // declared property names, for decoding
}

// Event is one webhook operation.
type Event struct {
	// Name is the key under `webhooks` (with " METHOD" appended when a webhook
	// declares more than one operation).
	Name   string
	Method string
	// Type is the value the body's `type` property must hold (its const or
	// single enum value), or "" when the body has no such discriminator.
	Type string
	// Version is the envelope version the body's `version` property declares
	// (const, single enum, default or first example), or "".
	Version     string
	Summary     string
	Description string
	// OperationID is the operation's operationId, or "".
	OperationID string
	// Direction of the body: always ProviderToConsumer for a webhook.
	Direction   Direction
	ContentType string
	// Body is the request body schema; BodyPtr is where the media type's
	// `schema` sits in the document.
	Body     Schema
	Examples []Example
	// Responses are what the consumer may answer, keyed by status.
	Responses []Response
	// Headers are the declared header parameters (e.g. signature headers).
	Headers []Header

	spec     *Spec
	compiled *jsonschema.Schema
}

// Example is a body example declared on the media type.
type Example struct {
	Name    string
	Summary string
	Value   any
	// Ptr locates the example value in the document.
	Ptr string
}

// Response is a declared webhook response, sent by the consumer.
type Response struct {
	Status      string
	Description string
	Direction   Direction
	ContentType string
	// Body is nil when the response declares no body schema.
	Body     *Schema
	compiled *jsonschema.Schema
}

// Header is a declared header parameter of the webhook request.
type Header struct {
	Name     string
	Required bool
	Schema   *Schema
	// Example is the parameter's own `example` (or its first `examples`
	// value), as the provider documents the header.
	Example any
}

// Schema is a JSON Schema node of the document: Raw is a map[string]any or a
// bool, Ptr is its location. $refs are not followed; use Spec.Deref.
type Schema struct {
	Ptr string
	Raw any
}

// Map returns the schema as an object, or nil for boolean schemas.
func (s Schema) Map() map[string]any {
	m, _ := s.Raw.(map[string]any)
	return m
}

// Event looks an event up by its webhook name.
func (s *Spec) Event(name string) (*Event, bool) {
	e, ok := s.byName[name]
	return e, ok
}

// EventByType looks an event up by the value of the body's `type` property.
func (s *Spec) EventByType(t string) (*Event, bool) {
	e, ok := s.byType[t]
	return e, ok
}

// Lookup finds an event by name first, then by type value.
func (s *Spec) Lookup(nameOrType string) (*Event, bool) {
	if e, ok := s.byName[nameOrType]; ok {
		return e, true
	}
	return s.EventByType(nameOrType)
}

// EventNames lists the event names in order.
func (s *Spec) EventNames() []string {
	out := make([]string, len(s.Events))
	for i, e := range s.Events {
		out[i] = e.Name
	}
	return out
}

// Spec returns the document the event belongs to.
func (e *Event) Spec() *Spec { return e.spec }

// At returns the JSON value at a pointer of the document.
func (s *Spec) At(ptr string) (any, bool) {
	return walkPointer(s.root, ptr)
}

// Root returns the whole document as JSON values. Callers must not modify it.
func (s *Spec) Root() any { return s.root }

// Where names a document location for messages: "file:line (pointer)" when
// the source was YAML, "file#pointer" otherwise.
func (s *Spec) Where(ptr string) string {
	if line, ok := s.lineOf(ptr); ok {
		return fmt.Sprintf("%s:%d (%s)", s.Source, line, ptr)
	}
	return s.Source + "#" + ptr
}

// Line returns the source line of the node at ptr, for YAML sources only.
// Generators use it to keep the author's property order.
func (s *Spec) Line(ptr string) (int, bool) {
	l, ok := s.lines[ptr]
	return l, ok
}

func (s *Spec) lineOf(ptr string) (int, bool) {
	if s.lines == nil {
		return 0, false
	}
	// Fall back to the closest enclosing node that has a line.
	for p := ptr; ; {
		if l, ok := s.lines[p]; ok {
			return l, true
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return 0, false
		}
		p = p[:i]
	}
}

// Deref follows a chain of local $refs and returns the schema it ends at.
// In 3.1 a $ref may have sibling keywords; Deref returns the target only, so
// callers that care about siblings must read them before dereferencing.
func (s *Spec) Deref(sc Schema) (Schema, error) {
	seen := map[string]bool{}
	for {
		m, ok := sc.Raw.(map[string]any)
		if !ok {
			return sc, nil
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return sc, nil
		}
		if seen[sc.Ptr] {
			return sc, fmt.Errorf("%s: $ref cycle through %q", s.Where(sc.Ptr), ref)
		}
		seen[sc.Ptr] = true
		ptr, err := refPointer(ref)
		if err != nil {
			return sc, fmt.Errorf("%s: %w", s.Where(sc.Ptr), err)
		}
		v, ok := walkPointer(s.root, ptr)
		if !ok {
			return sc, fmt.Errorf("%s: $ref %q points at nothing", s.Where(sc.Ptr), ref)
		}
		sc = Schema{Ptr: ptr, Raw: v}
	}
}

func (s *Spec) index() error {
	sort.Slice(s.Events, func(i, j int) bool { return s.Events[i].Name < s.Events[j].Name })
	s.byName = make(map[string]*Event, len(s.Events))
	s.byType = make(map[string]*Event, len(s.Events))
	for _, e := range s.Events {
		e.spec = s
		s.byName[e.Name] = e
		if e.Type == "" {
			continue
		}
		if prev, dup := s.byType[e.Type]; dup && prev.Method == e.Method {
			return fmt.Errorf("%s: events %q and %q both declare type %q", s.Source, prev.Name, e.Name, e.Type)
		}
		s.byType[e.Type] = e
	}
	return nil
}
