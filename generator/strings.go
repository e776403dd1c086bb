package generator

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// genString fills a string slot: a known format first, then the pattern,
// then words cut to the length bounds.
func (c *genCtx) genString(n *node) (any, error) {
	if n.format != "" {
		for range 4 {
			s, known := c.genFormat(n.format)
			if !known {
				break
			}
			if n.acceptsString(s) {
				return s, nil
			}
		}
	}
	if len(n.patterns) > 0 {
		return c.patternString(n)
	}
	for range 4 {
		if s := c.words(n.minLen, n.maxLen); n.acceptsString(s) {
			return s, nil
		}
	}
	if len(n.examples) > 0 {
		return clone(n.examples[c.r.IntN(len(n.examples))]), nil
	}
	return nil, fmt.Errorf("%s: cannot generate a string satisfying format %q and length %d..%s", c.where(n.ptr), n.format, n.minLen, lengthBound(n.maxLen))
}

// patternString generates from the first pattern and checks all of them,
// steering quantifiers towards the length bounds across retries.
func (c *genCtx) patternString(n *node) (any, error) {
	p := n.patterns[0]
	if p.seq != nil {
		for range 4 {
			s, ok := p.seq.generate(c.r, n.minLen, n.maxLen)
			if !ok {
				break
			}
			if n.acceptsString(s) {
				return s, nil
			}
		}
	}
	st := genState{mode: repeatNormal}
	var lastErr error
	for range 16 {
		s, err := p.generate(c.r, st)
		if err != nil {
			lastErr = err
			break
		}
		if n.acceptsString(s) {
			return s, nil
		}
		l := utf8.RuneCountInString(s)
		switch {
		case l < n.minLen:
			st.mode, st.extra = repeatLong, n.minLen-l
			if n.maxLen > n.minLen {
				st.extra += c.r.IntN(n.maxLen - n.minLen + 1)
			}
		case n.maxLen >= 0 && l > n.maxLen:
			st = genState{mode: repeatShort}
		default:
			st = genState{mode: repeatNormal}
		}
	}
	if len(n.examples) > 0 {
		return clone(n.examples[c.r.IntN(len(n.examples))]), nil
	}
	if lastErr == nil {
		lastErr = fmt.Errorf("no generated string satisfied pattern %q with length %d..%s", p.src, n.minLen, lengthBound(n.maxLen))
	}
	return nil, fmt.Errorf("%s: %v", c.where(n.ptr+"/pattern"), lastErr)
}

func lengthBound(limit int) string {
	if limit < 0 {
		return "∞"
	}
	return fmt.Sprint(limit)
}

// words makes an ordinary string: a few real words, fitted to the bounds.
func (c *genCtx) words(minLen, maxLen int) string {
	target := 1 + c.r.IntN(3)
	var b strings.Builder
	// runes is counted as words are added: recounting the whole string
	// each time made a long minLength quadratic.
	for i, runes := 0, 0; i < target || runes < minLen; i++ {
		if i > 0 {
			b.WriteByte(' ')
			runes++
		}
		w := c.r.Word()
		b.WriteString(w)
		runes += utf8.RuneCountInString(w)
		if i > 64+minLen {
			break
		}
	}
	s := b.String()
	if maxLen >= 0 && utf8.RuneCountInString(s) > maxLen {
		s = strings.TrimRight(string([]rune(s)[:maxLen]), " ")
		for utf8.RuneCountInString(s) < minLen {
			s += "x"
		}
	}
	return s
}
