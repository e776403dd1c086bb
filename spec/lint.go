package spec

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Rules of a lint Problem.
const (
	RuleOpenAPI = "openapi" // kin-openapi's validation of the whole document
	RuleKeyword = "keyword" // hookmock's audit: schema keywords the validator would not honour
	RuleLoad    = "load"    // the document does not load as a webhook contract
)

// Problem is one lint finding, located by JSON pointer and, for YAML
// sources, by line.
type Problem struct {
	Rule    string `json:"rule"`
	Source  string `json:"source"`
	Line    int    `json:"line,omitempty"`
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// String reads "file:line (pointer): message", as load errors do.
func (p Problem) String() string {
	switch {
	case p.Line > 0:
		return fmt.Sprintf("%s:%d (%s): %s", p.Source, p.Line, p.Pointer, p.Message)
	case p.Pointer != "" || p.Source != "":
		return fmt.Sprintf("%s#%s: %s", p.Source, p.Pointer, p.Message)
	}
	return p.Message
}

func (s *Spec) problem(rule, ptr, msg string) Problem {
	line, _ := s.lineOf(ptr)
	return Problem{Rule: rule, Source: s.Source, Line: line, Pointer: ptr, Message: msg}
}

// LintFile lints a contract file (or "embedded:NAME"). The error is for a
// file that cannot be read; everything wrong with its content is a Problem.
func LintFile(ctx context.Context, path string) ([]Problem, error) {
	data, err := readContract(path)
	if err != nil {
		return nil, err
	}
	return LintBytes(ctx, path, data), nil
}

// LintBytes runs hookmock's keyword audit over every schema and
// kin-openapi's validation of the whole document, and reports every
// finding rather than the first. A document that does not load as a
// webhook contract gives one RuleLoad problem.
func LintBytes(ctx context.Context, source string, data []byte) []Problem {
	var found []Problem
	s, err := loadBytes(source, data, loadConfig{limits: Limits{}.withDefaults(), deferCompile: true, lint: &found})
	if err != nil {
		return append(found, Problem{Rule: RuleLoad, Message: err.Error()})
	}
	s.lint = nil
	return append(found, s.kinProblems(ctx)...)
}

// Lint runs kin-openapi's structural validation of the whole document;
// the keyword audit already ran when the document loaded.
func (s *Spec) Lint(ctx context.Context) error {
	ps := s.kinProblems(ctx)
	if len(ps) == 0 {
		return nil
	}
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.String()
	}
	return errors.New(strings.Join(msgs, "\n"))
}

func (s *Spec) kinProblems(ctx context.Context) []Problem {
	doc, err := s.Doc()
	if err != nil {
		return []Problem{{Rule: RuleOpenAPI, Source: s.Source, Message: strings.TrimPrefix(err.Error(), s.Source+": ")}}
	}
	err = doc.Validate(ctx, openapi3.EnableMultiError())
	if err == nil {
		return nil
	}
	errs := []error{err}
	if me, ok := err.(openapi3.MultiError); ok {
		errs = flatten(me)
	}
	out := make([]Problem, 0, len(errs))
	for _, e := range errs {
		ptr, msg := kinLocation(e)
		// The line is that of the deepest part of the pointer the
		// document has: kin-openapi does not always say which item.
		known := ptr
		for known != "" {
			if _, ok := s.At(known); ok {
				break
			}
			known = known[:strings.LastIndexByte(known, '/')]
		}
		p := s.problem(RuleOpenAPI, known, msg)
		if known == "" {
			p.Pointer = ""
		}
		out = append(out, p)
	}
	return out
}

// flatten lists the leaves of a MultiError; kin-openapi already wraps
// each leaf in its own context.
func flatten(me openapi3.MultiError) []error {
	var out []error
	for _, e := range me {
		if inner, ok := e.(openapi3.MultiError); ok {
			out = append(out, flatten(inner)...)
			continue
		}
		out = append(out, e)
	}
	return out
}

// componentKeys maps kin-openapi's component section names to the keys of
// `components`.
var componentKeys = map[string]string{
	"schema": "schemas", "parameter": "parameters", "header": "headers", "request body": "requestBodies",
	"response": "responses", "security scheme": "securitySchemes", "example": "examples", "link": "links",
	"callback": "callbacks", "path item": "pathItems",
}

var sectionKeys = map[string]string{
	"components": "components", "info": "info", "paths": "paths", "security": "security", "servers": "servers",
	"tags": "tags", "external docs": "externalDocs", "webhooks": "webhooks", "jsonSchemaDialect": "jsonSchemaDialect",
}

// kinLocation follows kin-openapi's context wrappers to the JSON pointer
// of the failing element and returns the innermost message. Wrappers
// that do not say which item of a list (parameters, tags, allOf) end the
// pointer there.
func kinLocation(err error) (ptr, msg string) {
	exact := true
	add := func(toks ...string) {
		if exact {
			ptr = Join(ptr, toks...)
		}
	}
	for err != nil {
		switch e := err.(type) {
		case *openapi3.SectionValidationError:
			if k, ok := sectionKeys[e.Section]; ok {
				add(k)
			} else {
				exact = false
			}
			err = e.Cause
		case *openapi3.ComponentValidationError:
			if k, ok := componentKeys[e.Section]; ok {
				add(k, e.Name)
			} else {
				exact = false
			}
			err = e.Cause
		case *openapi3.PathValidationError:
			add(e.Path)
			err = e.Cause
		case *openapi3.WebhookValidationError:
			add(e.Name)
			err = e.Cause
		case *openapi3.OperationValidationError:
			add(strings.ToLower(e.Method))
			err = e.Cause
		case *openapi3.HeaderFieldValidationError:
			add(e.Field)
			err = e.Cause
		case *openapi3.MediaTypeExampleValidationError:
			add("examples", e.ExampleName)
			err = e.Cause
		case *openapi3.MediaTypeEncodingValidationError:
			add("encoding", e.EncodingName)
			err = e.Cause
		case *openapi3.ExternalDocsURLValidationError:
			add("url")
			err = e.Cause
		case *openapi3.SchemaCombinatorElementValidationError:
			add(e.Combinator)
			exact = false
			err = e.Cause
		case *openapi3.ParameterFieldValidationError:
			exact = false
			err = e.Cause
		case *openapi3.ParameterExampleValidationError:
			exact = false
			err = e.Cause
		case *openapi3.TagValidationError:
			exact = false
			err = e.Cause
		case *openapi3.SecuritySchemeFlowValidationError:
			exact = false
			err = e.Cause
		case *openapi3.OAuthFlowValidationError:
			exact = false
			err = e.Cause
		case *openapi3.OAuthFlowFieldValidationError:
			exact = false
			err = e.Cause
		default:
			return ptr, err.Error()
		}
	}
	return ptr, ""
}

func readContract(path string) ([]byte, error) {
	if name, ok := strings.CutPrefix(path, "embedded:"); ok {
		data, err := EmbeddedFile(name)
		if err != nil {
			return nil, fmt.Errorf("no embedded contract %q (have %s)", name, strings.Join(EmbeddedContracts(), ", "))
		}
		return data, nil
	}
	return os.ReadFile(path)
}
