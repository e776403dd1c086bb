package spec

import "github.com/hookmock/hookmock/spec/yamlsafe"

// Limits bound the work a spec document may ask for. Each is named in the
// error that reports it and documented in the README; a zero field takes
// its default.
type Limits struct {
	// MaxBytes caps the document's size (spec.maxBytes).
	MaxBytes int
	// MaxDepth caps YAML nesting (yaml.maxDepth).
	MaxDepth int
	// AliasRatio and AliasFloor bound YAML alias expansion
	// (yaml.maxAliasExpansion); see yamlsafe.Limits.
	AliasRatio, AliasFloor int
	// MaxEvaluations caps how many schema objects validating one value can
	// visit (spec.maxSchemaEvaluations): allOf, anyOf, oneOf, not,
	// if/then/else and $ref all apply to the same value, so shared $refs
	// under them multiply.
	MaxEvaluations int
	// MaxSchemaDepth caps how deep schemas nest inside one another in the
	// document, in JSON-pointer segments (spec.maxSchemaDepth); a chain of
	// $refs does not count. The validator's compiler checks each schema
	// against the JSON Schema metaschema in time that grows with the square
	// of this depth: 1000 nested allOfs took most of a minute.
	MaxSchemaDepth int
}

// Names and defaults of the limits.
const (
	LimitSpecBytes         = "spec.maxBytes"
	LimitSchemaEvaluations = "spec.maxSchemaEvaluations"
	LimitSchemaDepth       = "spec.maxSchemaDepth"
	// MaxSpecBytes: GitHub's full REST description, the largest real one
	// we know, is 13 MB.
	MaxSpecBytes = 64 << 20
	// MaxSpecDepth is where Go's JSON decoder stops too, so the JSON and
	// YAML forms of a document load alike.
	MaxSpecDepth = 10000
	// MaxSchemaEvaluations is far above real documents (GitHub's descriptions
	// need at most 116) and far below what stalls a validator:
	// thirty levels of allOf: [$ref next, $ref next] ask for 2³⁰.
	MaxSchemaEvaluations = 10_000
	// MaxSchemaDepth: the deepest schema of the real corpus (GitHub's) sits
	// 17 segments down.
	MaxSchemaDepth = 256
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = MaxSpecBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = MaxSpecDepth
	}
	if l.MaxEvaluations <= 0 {
		l.MaxEvaluations = MaxSchemaEvaluations
	}
	if l.MaxSchemaDepth <= 0 {
		l.MaxSchemaDepth = MaxSchemaDepth
	}
	return l
}

func (l Limits) yaml() yamlsafe.Limits {
	return yamlsafe.Limits{MaxBytes: l.MaxBytes, MaxDepth: l.MaxDepth, AliasRatio: l.AliasRatio, AliasFloor: l.AliasFloor}
}

// WithLimits replaces the bounds on the document; zero fields keep their
// defaults.
func WithLimits(l Limits) LoadOption { return func(c *loadConfig) { c.limits = l.withDefaults() } }
