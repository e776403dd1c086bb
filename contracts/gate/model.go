package gate

import (
	"fmt"
	"sort"

	"github.com/hookmock/hookmock/spec"
)

// Level says how a finding affects the other side of a message.
type Level int

const (
	Info        Level = iota + 1 // documentation only; no message changes
	NonBreaking                  // messages change, existing readers keep working
	Breaking                     // some existing reader or writer stops working
)

var levelNames = map[Level]string{Info: "info", NonBreaking: "non-breaking", Breaking: "breaking"}

func (l Level) String() string {
	if n, ok := levelNames[l]; ok {
		return n
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// MarshalText lets reports carry the level by name.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// Bump is a semantic-version increment. The zero value is "no bump".
type Bump int

const (
	None Bump = iota
	Patch
	Minor
	Major
)

var bumpNames = map[Bump]string{None: "none", Patch: "patch", Minor: "minor", Major: "major"}

func (b Bump) String() string {
	if n, ok := bumpNames[b]; ok {
		return n
	}
	return fmt.Sprintf("Bump(%d)", int(b))
}

// MarshalText lets reports carry the bump by name.
func (b Bump) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// Part says which message of an event a finding is about.
type Part int

const (
	PartDocument Part = iota + 1 // the document's info, not one event
	PartEvent                    // the event as a whole (added, removed, its docs)
	PartBody                     // the webhook request body (provider → consumer)
	PartResponse                 // a declared response (consumer → provider)
	PartHeader                   // a request header (provider → consumer)
)

var partNames = map[Part]string{PartDocument: "document", PartEvent: "event", PartBody: "body", PartResponse: "response", PartHeader: "header"}

func (p Part) String() string {
	if n, ok := partNames[p]; ok {
		return n
	}
	return fmt.Sprintf("Part(%d)", int(p))
}

// MarshalText lets reports carry the part by name.
func (p Part) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// Impact is what a rule's change means for messages flowing one way.
type Impact struct {
	Direction spec.Direction `json:"direction"`
	Level     Level          `json:"level"`
	Bump      Bump           `json:"bump"`
}

// Rule is one kind of contract change. Rules are judged per direction: the
// same schema change means opposite things to the reader of a webhook body
// (the consumer, like a client reading a response) and to the reader of a
// webhook response (the provider, like a server reading a request).
type Rule struct {
	ID      string   `json:"id"`
	Summary string   `json:"summary"`
	Impacts []Impact `json:"impacts"`
	// check runs on every compared pair of schemas; nil for rules that
	// event- or document-level code emits directly.
	check func(p *pair, r *Rule)
	phase ruleKind
}

func (r *Rule) kind() ruleKind { return r.phase }

// Impact returns the rule's default impact in a direction.
func (r *Rule) Impact(d spec.Direction) (Impact, bool) {
	for _, im := range r.Impacts {
		if im.Direction == d {
			return im, true
		}
	}
	return Impact{}, false
}

// The polarity helpers keep the response/request duality in one place: a
// change that lets a message carry more (widening) breaks whoever reads a
// provider-to-consumer message, and is harmless to a provider reading what
// consumers send; narrowing is the mirror image.
func widening() []Impact {
	return []Impact{
		{spec.ProviderToConsumer, Breaking, Major},
		{spec.ConsumerToProvider, NonBreaking, Minor},
	}
}

func narrowing() []Impact {
	return []Impact{
		{spec.ProviderToConsumer, NonBreaking, Minor},
		{spec.ConsumerToProvider, Breaking, Major},
	}
}

func incompatible() []Impact {
	return []Impact{
		{spec.ProviderToConsumer, Breaking, Major},
		{spec.ConsumerToProvider, Breaking, Major},
	}
}

func additive() []Impact {
	return []Impact{
		{spec.ProviderToConsumer, NonBreaking, Minor},
		{spec.ConsumerToProvider, NonBreaking, Minor},
	}
}

func cosmetic() []Impact {
	return []Impact{
		{spec.ProviderToConsumer, Info, Patch},
		{spec.ConsumerToProvider, Info, Patch},
	}
}

var registry = map[string]*Rule{}

// register adds a rule at package init; each rule lives in its own file.
func register(r *Rule) *Rule {
	if _, dup := registry[r.ID]; dup {
		panic("gate: duplicate rule " + r.ID) // programming error, caught by any test
	}
	registry[r.ID] = r
	return r
}

// Rules lists every rule, sorted by id.
func Rules() []*Rule {
	out := make([]*Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// schemaRules are the rules that run on every schema pair, in a fixed order
// so that reports are stable.
func schemaRules() []*Rule {
	var out []*Rule
	for _, r := range Rules() {
		if r.check != nil {
			out = append(out, r)
		}
	}
	return out
}

// Finding is one change the gate found.
type Finding struct {
	Rule      string         `json:"rule"`
	Level     Level          `json:"level"`
	Bump      Bump           `json:"bump"`
	Direction spec.Direction `json:"direction"`
	// Event is the webhook name; "" for document-level findings.
	Event string `json:"event,omitempty"`
	Part  Part   `json:"part"`
	// PartName is the response status or header name.
	PartName string `json:"partName,omitempty"`
	// OldPointer and NewPointer locate the change in each document. When
	// something was added or removed, the side without it points at the
	// place it would be.
	OldPointer string `json:"oldPointer"`
	NewPointer string `json:"newPointer"`
	// OldWhere and NewWhere name file:line where the source was YAML.
	OldWhere string `json:"oldWhere"`
	NewWhere string `json:"newWhere"`
	// Paths are message locations the change affects ("/payload/room");
	// "*" stands for any array index or additional property name.
	Paths   []string `json:"paths,omitempty"`
	Message string   `json:"message"`
	// Consumers lists the consumers a breaking finding breaks, when
	// consumer contracts were given.
	Consumers []string `json:"consumers,omitempty"`
}

// Subject names the message the finding is about, for people.
func (f *Finding) Subject() string {
	switch f.Part {
	case PartResponse:
		return "response " + f.PartName
	case PartHeader:
		return "header " + f.PartName
	}
	return f.Part.String()
}

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}
