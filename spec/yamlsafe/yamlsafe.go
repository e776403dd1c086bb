// Package yamlsafe is hookmock's one reader of YAML: specs, scenarios,
// hookmock.yaml, consumer contracts and gate policies all come through it.
//
// YAML lets a small file describe a huge or infinite value: an alias may name
// the node it sits in (`set: &m {room: *m}`), and nested aliases grow
// exponentially ("billion laughs"). Code that walks a node tree recursively
// then overflows its stack or runs out of memory. Parse refuses such input
// before anyone walks it: every tree it returns is acyclic, no deeper than
// Limits.MaxDepth, and expands to a bounded number of nodes.
//
// The package imports none of hookmock's packages, so every layer may use it.
package yamlsafe

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	yaml "go.yaml.in/yaml/v3"
	yaml4 "go.yaml.in/yaml/v4"
)

// Default limits. Each is named in the error that reports it and documented
// in the README's "Limits and security" section.
const (
	// DefaultMaxBytes caps a YAML file (scenario, hookmock.yaml, consumer
	// contract, gate policy). Specs have their own, larger cap.
	DefaultMaxBytes = 4 << 20
	// DefaultMaxDepth caps nesting (mappings and sequences inside each
	// other). The YAML parser itself stops at 10000.
	DefaultMaxDepth = 1000
	// DefaultAliasRatio is how many nodes the document may expand to through
	// aliases, per node written in it.
	DefaultAliasRatio = 10
	// DefaultAliasFloor is the expansion always allowed, however small the
	// document, so that a short file may still reuse an anchor freely.
	DefaultAliasFloor = 100_000
)

// Limits bound what Parse accepts. A zero field takes its default.
type Limits struct {
	// MaxBytes is the largest input, in bytes (yaml.maxBytes).
	MaxBytes int
	// MaxDepth is the deepest nesting of mappings and sequences
	// (yaml.maxDepth); at most 10000.
	MaxDepth int
	// AliasRatio and AliasFloor bound alias expansion (yaml.maxAliasExpansion):
	// the value may have at most max(AliasFloor, AliasRatio × written nodes)
	// nodes once every alias is replaced by what it names.
	AliasRatio int
	AliasFloor int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.AliasRatio <= 0 {
		l.AliasRatio = DefaultAliasRatio
	}
	if l.AliasFloor <= 0 {
		l.AliasFloor = DefaultAliasFloor
	}
	return l
}

// Names of the limits, as errors and the README spell them.
const (
	LimitBytes     = "yaml.maxBytes"
	LimitDepth     = "yaml.maxDepth"
	LimitExpansion = "yaml.maxAliasExpansion"
)

// Error is a problem at a place in a YAML file. Line and Col are 1-based;
// zero means unknown. Limit names the limit exceeded, if that is the cause.
type Error struct {
	File      string
	Line, Col int
	Msg       string
	Limit     string
}

func (e *Error) Error() string {
	var b bytes.Buffer
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// At returns an Error at n's position in file.
func At(file string, n *yaml.Node, format string, a ...any) *Error {
	e := &Error{File: file, Msg: fmt.Sprintf(format, a...)}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	return e
}

// Parse reads one YAML document and returns its root node, or nil for a
// document with no content (empty, or only comments). Errors are *Error.
//
// A stream of several documents is refused: every hookmock file is one
// document, and a second one would be silently ignored otherwise.
func Parse(file string, data []byte, lim Limits) (*yaml.Node, error) {
	lim = lim.withDefaults()
	if len(data) > lim.MaxBytes {
		return nil, &Error{File: file, Limit: LimitBytes,
			Msg: fmt.Sprintf("%d bytes is more than %s allows (%d)", len(data), LimitBytes, lim.MaxBytes)}
	}
	ld, err := yaml4.NewLoader(bytes.NewReader(data))
	if err != nil {
		return nil, syntaxError(file, err)
	}
	var doc yaml4.Node
	if err := ld.Load(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, syntaxError(file, err)
	}
	var next yaml4.Node
	switch err := ld.Load(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(file, err)
	case !emptyDoc(&next):
		return nil, &Error{File: file, Line: next.Line, Col: next.Column,
			Msg: "a second YAML document (after ---); the file must hold one"}
	}
	if emptyDoc(&doc) {
		return nil, nil
	}
	c := &converter{file: file, lim: lim, seen: map[*yaml4.Node]*yaml.Node{}}
	root, err := c.convert(doc.Content[0], 1)
	if err != nil {
		return nil, err
	}
	if c.aliases > 0 {
		if err := c.checkAliases(root); err != nil {
			return nil, err
		}
	}
	return root, nil
}

func emptyDoc(n *yaml4.Node) bool {
	if len(n.Content) == 0 {
		return true
	}
	c := n.Content[0]
	return len(n.Content) == 1 && c.Kind == yaml4.ScalarNode && c.Tag == "!!null" && c.Value == "" && c.Style == 0
}

// syntaxError words a parser error as file:line:col. The parser's mark is
// where it gave up, which is where an editor should jump.
func syntaxError(file string, err error) error {
	var le *yaml4.LoadError
	if errors.As(err, &le) {
		e := &Error{File: file, Line: le.Mark.Line, Col: le.Mark.Column, Msg: le.Message}
		if le.ContextMsg != "" {
			e.Msg = le.Message + " (" + le.ContextMsg + ")"
		}
		return e
	}
	var les *yaml4.LoadErrors
	if errors.As(err, &les) && len(les.Errors) > 0 {
		return syntaxError(file, les.Errors[0])
	}
	return &Error{File: file, Msg: err.Error()}
}
