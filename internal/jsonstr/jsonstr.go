// Package jsonstr writes a JSON string the way encoding/json does, for
// the hand-written encoders on hot paths (generated events, delivery
// records) that must produce encoding/json's bytes without its
// reflection.
package jsonstr

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// plain marks the ASCII bytes a JSON string holds verbatim; plainHTML
// also escapes HTML's <, > and &, as json.Marshal does.
var plain, plainHTML = func() (t, h [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
		h[c] = t[c] && c != '<' && c != '>' && c != '&'
	}
	return t, h
}()

// Append appends s as a JSON string, byte for byte as encoding/json writes
// it with HTML escaping on (json.Marshal) or off (an Encoder with
// SetEscapeHTML(false)): quotes, backslashes and control bytes escaped,
// invalid UTF-8 replaced by U+FFFD, U+2028 and U+2029 escaped always.
func Append(b []byte, s string, escapeHTML bool) []byte {
	safe := &plain
	if escapeHTML {
		safe = &plainHTML
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			// JSON allows them raw, JavaScript string literals did not.
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
