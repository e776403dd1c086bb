package spec

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Escape encodes one reference token of a JSON pointer (RFC 6901).
func Escape(tok string) string {
	if !strings.ContainsAny(tok, "~/") {
		return tok
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(tok)
}

// Unescape decodes one reference token of a JSON pointer.
func Unescape(tok string) string {
	if !strings.Contains(tok, "~") {
		return tok
	}
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
}

// Join appends reference tokens to a pointer, escaping them.
func Join(ptr string, toks ...string) string {
	var b strings.Builder
	b.WriteString(ptr)
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(Escape(t))
	}
	return b.String()
}

// Split breaks a pointer into unescaped tokens.
func Split(ptr string) ([]string, error) {
	if ptr == "" {
		return nil, nil
	}
	if ptr[0] != '/' {
		return nil, fmt.Errorf("JSON pointer %q must start with /", ptr)
	}
	toks := strings.Split(ptr[1:], "/")
	for i, t := range toks {
		toks[i] = Unescape(t)
	}
	return toks, nil
}

func walkPointer(v any, ptr string) (any, bool) {
	toks, err := Split(ptr)
	if err != nil {
		return nil, false
	}
	for _, t := range toks {
		switch c := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = c[t]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			v = c[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// refPointer turns a local $ref ("#/components/schemas/X") into a pointer.
// References to other documents are not supported: a contract must be one
// self-contained file so that it can be embedded and diffed.
func refPointer(ref string) (string, error) {
	if !strings.HasPrefix(ref, "#") {
		return "", fmt.Errorf("$ref %q points outside the document; only local references (#/...) are supported", ref)
	}
	frag, err := url.PathUnescape(ref[1:])
	if err != nil {
		return "", fmt.Errorf("$ref %q: %v", ref, err)
	}
	if frag != "" && frag[0] != '/' {
		return "", fmt.Errorf("$ref %q uses an anchor; only JSON-pointer references are supported", ref)
	}
	return frag, nil
}
