package generator

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"
)

// pattern is a `pattern` keyword ready for generation and checking.
//
// JSON Schema patterns are ECMA-262 regular expressions, but the validator
// compiles them with Go's regexp, so Go semantics decide validity: re is
// the pattern as Go reads it. Generation walks the parsed form of the
// pattern, translated from ECMA-262 first when Go cannot read it as is;
// every generated string is then checked with re.
type pattern struct {
	src string
	re  *regexp.Regexp
	gen *syntax.Regexp
	seq *seqMatcher // a faster equivalent of re, for simple patterns
	err error       // why the pattern cannot be generated from
	// translated marks a pattern Go read only after translateECMA: re is
	// then ours, not what the validator compiles, so it proves nothing.
	translated bool
}

func compilePattern(src string) *pattern {
	p := &pattern{src: src}
	goSrc := src
	re, err := regexp.Compile(src)
	if err != nil {
		t, terr := translateECMA(src)
		if terr != nil {
			p.err = fmt.Errorf("pattern %q: %v", src, terr)
			return p
		}
		if re, err = regexp.Compile(t); err != nil {
			p.err = fmt.Errorf("pattern %q (as Go regexp %q): %v", src, t, err)
			return p
		}
		goSrc, p.translated = t, true
	}
	p.re = re
	if p.gen, err = syntax.Parse(goSrc, syntax.Perl); err != nil {
		p.err = fmt.Errorf("pattern %q: %v", src, err)
		return p
	}
	p.seq = compileSeq(p.gen)
	return p
}

// matches is false when the pattern could not be compiled at all, so that
// unverifiable values are never taken for valid ones.
func (p *pattern) matches(s string) bool {
	if p.seq != nil {
		return p.seq.match(s)
	}
	return p.re != nil && p.re.MatchString(s)
}

var errUnsupported = errors.New("unsupported in Go's regexp")

// translateECMA rewrites the ECMA-262 constructs Go's regexp spells
// differently. Lookaround and backreferences have no Go equivalent and
// make the pattern ungeneratable (callers then fall back to examples).
func translateECMA(src string) (string, error) {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src):
			i++
			e := src[i]
			switch {
			case e == '/':
				b.WriteByte('/')
			case e == 'u' && i+1 < len(src) && src[i+1] == '{':
				end := strings.IndexByte(src[i:], '}')
				if end < 0 {
					return "", fmt.Errorf("unterminated \\u{")
				}
				b.WriteString(`\x{` + src[i+2:i+end] + `}`)
				i += end
			case e == 'u' && i+4 < len(src) && isHex(src[i+1:i+5]):
				b.WriteString(`\x{` + src[i+1:i+5] + `}`)
				i += 4
			case e == 'c' && i+1 < len(src) && isLetter(src[i+1]):
				fmt.Fprintf(&b, `\x{%02x}`, src[i+1]%32)
				i++
			case e == '0':
				b.WriteString(`\x00`)
			case e >= '1' && e <= '9', e == 'k':
				return "", fmt.Errorf("backreference: %w", errUnsupported)
			case e == 'b' && inClass:
				b.WriteString(`\x08`)
			case (e == 'p' || e == 'P') && i+1 < len(src) && src[i+1] == '{':
				end := strings.IndexByte(src[i:], '}')
				if end < 0 {
					return "", fmt.Errorf("unterminated \\%c{", e)
				}
				b.WriteString(`\` + string(e) + `{` + unicodeProperty(src[i+2:i+end]) + `}`)
				i += end
			default:
				b.WriteByte('\\')
				b.WriteByte(e)
			}
		case c == '[' && !inClass:
			if strings.HasPrefix(src[i:], "[^]") {
				b.WriteString(`[\s\S]`)
				i += 2
				continue
			}
			if strings.HasPrefix(src[i:], "[]") {
				return "", fmt.Errorf("empty class [] never matches")
			}
			inClass = true
			b.WriteByte(c)
		case c == ']' && inClass:
			inClass = false
			b.WriteByte(c)
		case c == '(' && !inClass && strings.HasPrefix(src[i:], "(?"):
			rest := src[i+2:]
			switch {
			case strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, "!") ||
				strings.HasPrefix(rest, "<=") || strings.HasPrefix(rest, "<!"):
				return "", fmt.Errorf("lookaround: %w", errUnsupported)
			case strings.HasPrefix(rest, "<"):
				b.WriteString("(?P<")
				i += 2
			default:
				b.WriteByte(c)
			}
		case c == '{' && !inClass:
			// Go refuses repeat counts above 1000; generation needs far
			// fewer, so clamp rather than give up.
			end := strings.IndexByte(src[i:], '}')
			if end > 0 {
				b.WriteString(clampRepeat(src[i : i+end+1]))
				i += end
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func clampRepeat(q string) string {
	inner := q[1 : len(q)-1]
	parts := strings.SplitN(inner, ",", 2)
	for i, p := range parts {
		if n, err := strconv.Atoi(p); err == nil && n > 1000 {
			parts[i] = "1000"
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func unicodeProperty(p string) string {
	if k, v, ok := strings.Cut(p, "="); ok {
		switch k {
		case "Script", "sc", "Script_Extensions", "scx", "General_Category", "gc":
			return v
		}
	}
	return p
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// repeatMode steers how many times a quantifier repeats: generation retries
// with longer or shorter output when lengths are out of bounds.
type repeatMode int

const (
	repeatShort repeatMode = iota
	repeatNormal
	repeatLong
)

// genState is one generation's steering: extra is how many repetitions
// the first unbounded quantifier should add, when the previous attempt
// came out that much too short.
type genState struct {
	mode  repeatMode
	extra int
}

var errNoMatch = errors.New("the pattern matches nothing")

// generate produces one string from the pattern's parse tree.
func (p *pattern) generate(r *rng, st genState) (string, error) {
	if p.err != nil {
		return "", p.err
	}
	var b []byte
	b, err := genRegexp(b, p.gen, r, &st)
	return string(b), err
}

func genRegexp(b []byte, re *syntax.Regexp, r *rng, st *genState) ([]byte, error) {
	var err error
	switch re.Op {
	case syntax.OpNoMatch:
		return b, errNoMatch
	case syntax.OpLiteral:
		for _, ch := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 && r.Bool() {
				ch = unicode.SimpleFold(ch)
			}
			b = appendRune(b, ch)
		}
	case syntax.OpCharClass:
		b = appendRune(b, pickFromClass(re.Rune, r))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b = append(b, alnum[r.IntN(len(alnum))])
	case syntax.OpCapture:
		return genRegexp(b, re.Sub[0], r, st)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := repeatBounds(re)
		n := lo + r.IntN(spread(lo, hi, st.mode)+1)
		if st.extra > 0 && (hi < 0 || hi-n > 0) {
			add := st.extra
			if hi >= 0 {
				add = min(add, hi-n)
			}
			n += add
			st.extra -= add
		}
		for range n {
			if b, err = genRegexp(b, re.Sub[0], r, st); err != nil {
				return b, err
			}
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if b, err = genRegexp(b, sub, r, st); err != nil {
				return b, err
			}
		}
	case syntax.OpAlternate:
		return genRegexp(b, re.Sub[r.IntN(len(re.Sub))], r, st)
	}
	// Anchors, word boundaries and empty matches produce nothing.
	return b, nil
}

func repeatBounds(re *syntax.Regexp) (lo, hi int) {
	switch re.Op {
	case syntax.OpStar:
		return 0, -1
	case syntax.OpPlus:
		return 1, -1
	case syntax.OpQuest:
		return 0, 1
	}
	return re.Min, re.Max
}

// spread is how far above its minimum a quantifier may go.
func spread(lo, hi int, mode repeatMode) int {
	limit := 6
	switch {
	case mode == repeatLong:
		limit = 24
	case mode == repeatShort && lo == 0:
		limit = 1
	case mode == repeatShort:
		limit = 0
	}
	if hi >= 0 && hi-lo < limit {
		return hi - lo
	}
	return limit
}

const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// pickFromClass prefers letters and digits, then other printable ASCII,
// then anything else the class allows: realistic strings, valid either way.
func pickFromClass(ranges []rune, r *rng) rune {
	for _, keep := range [...]func(rune) bool{isAlnum, isPrintableASCII} {
		count := 0
		for i := 0; i+1 < len(ranges); i += 2 {
			for ch := max(ranges[i], ' '); ch <= min(ranges[i+1], '~'); ch++ {
				if keep(ch) {
					count++
				}
			}
		}
		if count == 0 {
			continue
		}
		k := r.IntN(count)
		for i := 0; i+1 < len(ranges); i += 2 {
			for ch := max(ranges[i], ' '); ch <= min(ranges[i+1], '~'); ch++ {
				if keep(ch) {
					if k == 0 {
						return ch
					}
					k--
				}
			}
		}
	}
	// No ASCII at all: pick arithmetically, the ranges can be huge.
	total := 0
	for i := 0; i+1 < len(ranges); i += 2 {
		total += int(ranges[i+1]-ranges[i]) + 1
	}
	for range 8 {
		k := r.IntN(max(total, 1))
		for i := 0; i+1 < len(ranges); i += 2 {
			size := int(ranges[i+1]-ranges[i]) + 1
			if k < size {
				if ch := ranges[i] + rune(k); !isSurrogate(ch) {
					return ch
				}
				break
			}
			k -= size
		}
	}
	return 'x'
}

func isPrintableASCII(ch rune) bool { return ch > ' ' && ch <= '~' }

func isAlnum(ch rune) bool {
	return ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z'
}

func isSurrogate(ch rune) bool { return ch >= 0xD800 && ch <= 0xDFFF }

func appendRune(b []byte, ch rune) []byte {
	if ch < 0x80 {
		return append(b, byte(ch))
	}
	return append(b, string(ch)...)
}
