package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/hookmock/hookmock/spec/yamlsafe"
)

// Real provider documents published as OpenAPI 3.1 carry keywords JSON
// Schema 2020-12 does not define: 3.0's `nullable` and boolean
// exclusiveMinimum, 2019-09's $recursiveAnchor, plain typos (max_items).
// JSON Schema treats unknown keywords as annotations, so by default the
// loader does too: each becomes a Warning that says how it was read, and
// the document loads. StrictLoad() keeps the old refusal, for contracts a
// team owns. The interpretations:
//
//	nullable: true                 "null" is added to the type, as in 3.0 (false: dropped)
//	exclusiveMinimum: true         read as in 3.0: minimum becomes the exclusive bound
//	exclusiveMaximum: true         likewise with maximum (false: dropped)
//	$recursiveAnchor               dropped: 2019-09; nothing here refers to it
//	$recursiveRef                  dropped: 2019-09; the location admits any value
//	any other unknown keyword      kept as an annotation: it constrains nothing
//	a YAML integer beyond int64    read exactly, as the same number in JSON is
//
// Only keywords in schemas that a webhook reaches (its body, responses
// and headers, through $refs) are reported: an unused component is
// nobody's concern at load. Lint (AllWarnings) lists every one.

// Warning is something the loader read leniently.
type Warning struct {
	// Pointer is the keyword's (or value's) JSON pointer.
	Pointer string `json:"pointer"`
	// Where is file:line (pointer), or file#pointer without a line.
	Where   string `json:"where"`
	Keyword string `json:"keyword,omitempty"`
	// Message says what was found and how it was read.
	Message string `json:"message"`
	// Reached: a webhook's schema reaches it.
	Reached bool `json:"reached"`
}

func (w Warning) String() string { return w.Where + ": " + w.Message }

// StrictLoad makes every lenient reading (see Warning) a load error, as
// `--strict` and `spec.strict` ask.
func StrictLoad() LoadOption { return func(c *loadConfig) { c.strict = true } }

// Warnings are the lenient readings in schemas webhooks reach.
func (s *Spec) Warnings() []Warning {
	var out []Warning
	for _, w := range s.warnings {
		if w.Reached {
			out = append(out, w)
		}
	}
	return out
}

// AllWarnings are every lenient reading in the document, reached or not.
func (s *Spec) AllWarnings() []Warning { return s.warnings }

// leniently rewrites what it can read and records warnings; in strict
// mode the first finding is an error, as before.
func (s *Spec) leniently(roots []string, strict bool) error {
	if strict {
		if err := s.walkSchemas(roots, s.auditKeywords); err != nil {
			return err
		}
		return s.bigIntegers(true)
	}
	err := s.walkSchemas(roots, func(m map[string]any, ptr string) error {
		s.warnings = append(s.warnings, s.interpret(m, ptr)...)
		return nil
	})
	if err != nil {
		return err
	}
	// Most documents need no lenient reading: only then is it worth a
	// second walk to learn which warnings a webhook reaches.
	if len(s.warnings) > 0 {
		reached := map[string]bool{}
		hookRoots := s.bodyRoots()
		for _, e := range s.Events {
			for _, h := range e.Headers {
				if h.Schema != nil {
					hookRoots = append(hookRoots, h.Schema.Ptr)
				}
			}
		}
		if err := s.walkSchemas(hookRoots, func(_ map[string]any, ptr string) error { reached[ptr] = true; return nil }); err != nil {
			return err
		}
		for i := range s.warnings {
			w := &s.warnings[i]
			w.Reached = reached[strings.TrimSuffix(w.Pointer, "/"+Escape(w.Keyword))]
		}
	}
	if err := s.bigIntegers(false); err != nil {
		return err
	}
	s.placeWarnings()
	return nil
}

// keywordNames are the known keywords, for did-you-mean.
var keywordNames = slices.Sorted(maps.Keys(knownKeywords))

// interpret reads one schema object leniently, rewriting it in place.
func (s *Spec) interpret(m map[string]any, ptr string) []Warning {
	var out []Warning
	warn := func(k, format string, a ...any) {
		out = append(out, Warning{Pointer: Join(ptr, k), Keyword: k, Message: fmt.Sprintf(format, a...)})
	}
	is30 := strings.HasPrefix(s.OpenAPI, "3.0.")
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if strings.HasPrefix(k, "x-") || knownKeywords[k] {
			continue
		}
		switch k {
		case "nullable":
			if is30 {
				continue // normalize30 read it
			}
			n, _ := m[k].(bool)
			if n {
				nullableToType(m)
				warn(k, "`nullable` is OpenAPI 3.0, not %s; read as in 3.0: \"null\" is added to the type (type: %s)", s.OpenAPI, typeText(m["type"]))
			} else {
				warn(k, "`nullable: false` is OpenAPI 3.0, not %s; dropped (it says nothing)", s.OpenAPI)
			}
			delete(m, k)
		case "$recursiveAnchor":
			delete(m, k)
			warn(k, "`$recursiveAnchor` is JSON Schema 2019-09, replaced by $dynamicAnchor in 2020-12; dropped")
		case "$recursiveRef":
			delete(m, k)
			warn(k, "`$recursiveRef` is JSON Schema 2019-09, replaced by $dynamicRef in 2020-12; dropped: this location admits any value")
		default:
			msg := fmt.Sprintf("unknown schema keyword %q (not JSON Schema 2020-12, not an OpenAPI annotation, not an x- extension); kept as an annotation, it constrains nothing", k)
			if c := yamlsafe.Closest(k, keywordNames); c != "" {
				msg += fmt.Sprintf("; did you mean %q?", c)
			}
			warn(k, "%s", msg)
		}
	}
	for _, k := range []string{"exclusiveMinimum", "exclusiveMaximum"} {
		excl, ok := m[k].(bool)
		if !ok {
			continue
		}
		bound := strings.ToLower(strings.TrimPrefix(k, "exclusive")[:1]) + strings.TrimPrefix(k, "exclusive")[1:]
		b, has := m[bound]
		delete(m, k)
		switch {
		case excl && has:
			m[k] = b
			delete(m, bound)
			warn(k, "boolean `%s` is OpenAPI 3.0 syntax; read as in 3.0: %s %v is exclusive (%s: %v)", k, bound, b, k, b)
		case excl:
			warn(k, "boolean `%s: true` without `%s` says nothing; dropped", k, bound)
		default:
			warn(k, "boolean `%s: false` is OpenAPI 3.0 syntax; read as in 3.0: %s stays inclusive", k, bound)
		}
	}
	return out
}

// nullableToType widens `type` with "null"; an untyped schema already
// admits null.
func nullableToType(m map[string]any) {
	switch t := m["type"].(type) {
	case string:
		if t != "null" {
			m["type"] = []any{t, "null"}
		}
	case []any:
		if !containsValue(t, "null") {
			m["type"] = append(t, "null")
		}
	}
}

func typeText(t any) string {
	b, _ := json.Marshal(t)
	if t == nil {
		return "any"
	}
	return string(b)
}

// bigIntegers finds integers beyond int64 read from YAML (JSON ones were
// always exact): lenient loading keeps them, strict loading refuses them
// as it always did.
func (s *Spec) bigIntegers(strict bool) error {
	if s.lines == nil {
		return nil
	}
	var found []string
	var walk func(v any, ptr string)
	walk = func(v any, ptr string) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				walk(x[k], Join(ptr, k))
			}
		case []any:
			for i, c := range x {
				walk(c, ptr+"/"+strconv.Itoa(i))
			}
		case json.Number:
			if strings.ContainsAny(string(x), ".eE") {
				return
			}
			if _, err := strconv.ParseInt(string(x), 10, 64); err != nil {
				found = append(found, ptr)
			}
		}
	}
	walk(s.root, "")
	for _, ptr := range found {
		v, _ := walkPointer(s.root, ptr)
		if strict && s.lint != nil {
			*s.lint = append(*s.lint, s.problem(RuleKeyword, ptr, fmt.Sprintf("integer %s does not fit in 64 bits (lenient loading reads it exactly, as JSON would)", v)))
			continue
		}
		if strict {
			return fmt.Errorf("%s: integer %s does not fit in 64 bits; strict loading refuses it (lenient loading reads it exactly, as JSON would)", s.Where(ptr), v)
		}
		s.warnings = append(s.warnings, Warning{Pointer: ptr, Reached: true,
			Message: fmt.Sprintf("integer %s does not fit in 64 bits; read exactly, as the same number in JSON is", v)})
	}
	return nil
}

// bigYAMLInt reads a YAML integer that int64 cannot hold (decimal, 0x, 0o
// or 0b, with an optional sign and underscores).
func bigYAMLInt(text string) (string, bool) {
	t := strings.ReplaceAll(text, "_", "")
	t = strings.TrimPrefix(t, "+")
	i, ok := new(big.Int).SetString(t, 0)
	if !ok {
		return "", false
	}
	return i.String(), true
}

// placeWarnings names the line of each warning. YAML sources know their
// lines; for JSON the source is scanned once, and only when there is
// something to place.
func (s *Spec) placeWarnings() {
	if len(s.warnings) == 0 {
		return
	}
	if s.lines == nil && s.raw != nil {
		want := map[string]bool{}
		for _, w := range s.warnings {
			want[w.Pointer] = true
		}
		s.lines = jsonLines(s.raw, want)
	}
	for i := range s.warnings {
		s.warnings[i].Where = s.Where(s.warnings[i].Pointer)
	}
}

// jsonLines maps the wanted pointers of a JSON document to the lines of
// their keys, with one pass of the tokenizer that skips every subtree no
// wanted pointer lies in.
func jsonLines(data []byte, want map[string]bool) map[string]int {
	inside := map[string]bool{"": true}
	for p := range want {
		for q := p; q != ""; q = q[:strings.LastIndexByte(q, '/')] {
			inside[q] = true
		}
	}
	lines := map[string]int{}
	dec := json.NewDecoder(bytes.NewReader(data))
	line, last := 1, int64(0)
	lineAt := func(off int64) int {
		line += bytes.Count(data[last:off], []byte{'\n'})
		last = off
		return line
	}
	var value func(ptr string) bool
	// member handles one object member or array element at ptr.
	member := func(ptr string) bool {
		if !inside[ptr] {
			var skip json.RawMessage
			return dec.Decode(&skip) == nil
		}
		return value(ptr)
	}
	value = func(ptr string) bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return true
		}
		for i := 0; dec.More(); i++ {
			child := ptr + "/" + strconv.Itoa(i)
			if d == '{' {
				kt, err := dec.Token()
				if err != nil {
					return false
				}
				k, _ := kt.(string)
				child = Join(ptr, k)
			}
			if inside[child] {
				lines[child] = lineAt(dec.InputOffset())
			}
			if !member(child) {
				return false
			}
		}
		_, err = dec.Token()
		return err == nil
	}
	value("")
	return lines
}
