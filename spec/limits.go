package spec

import "github.com/hookmock/hookmock/spec/yamlsafe"

// Limits on a spec document, named as errors and the README name them.
const (
	// LimitSpecBytes names the cap on a spec's size.
	LimitSpecBytes = "spec.maxBytes"
	// MaxSpecBytes is its default: GitHub's full REST description, the
	// largest real one we know, is 13 MB.
	MaxSpecBytes = 64 << 20
	// MaxSpecDepth caps nesting in a YAML spec, the depth at which Go's JSON
	// decoder stops as well, so both forms of a document load alike.
	MaxSpecDepth = 10000
)

// DefaultLimits are the bounds LoadBytes applies unless WithLimits says
// otherwise.
func DefaultLimits() yamlsafe.Limits {
	return yamlsafe.Limits{MaxBytes: MaxSpecBytes, MaxDepth: MaxSpecDepth}
}

// WithLimits replaces the bounds on the document (size, nesting, alias
// expansion); a zero field keeps its default.
func WithLimits(l yamlsafe.Limits) LoadOption {
	return func(c *loadConfig) {
		d := DefaultLimits()
		if l.MaxBytes > 0 {
			d.MaxBytes = l.MaxBytes
		}
		if l.MaxDepth > 0 {
			d.MaxDepth = l.MaxDepth
		}
		d.AliasRatio, d.AliasFloor = l.AliasRatio, l.AliasFloor
		c.limits = d
	}
}
