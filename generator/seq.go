package generator

import (
	"regexp/syntax"
	"unicode/utf8"
)

// seqMatcher handles the simplest and most common shape of `pattern`: an
// anchored sequence of single characters and character classes, each
// repeated a bounded or unbounded number of times, e.g. ^\+[1-9][0-9]{1,14}$
// or ^sips?:[^\s@]+@[^\s@]+$. Matching it is several times cheaper than
// Go's regexp (the Daily events check two per event), and because each
// atom is one character, generation can hit minLength/maxLength exactly.
//
// Greedy matching without backtracking is only correct when a repeated
// atom cannot also start what follows it; compileSeq refuses patterns where
// it could, and those stay with regexp.
type seqMatcher struct {
	atoms []seqAtom
}

type seqAtom struct {
	ranges   []rune    // lo, hi pairs
	ascii    [2]uint64 // the ranges' ASCII members, as a bitmap
	min, max int       // max < 0: unbounded
}

func newAtom(ranges []rune, lo, hi int) seqAtom {
	a := seqAtom{ranges: ranges, min: lo, max: hi}
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1] && r < utf8.RuneSelf; r++ {
			a.ascii[r>>6] |= 1 << (r & 63)
		}
	}
	return a
}

func (a *seqAtom) has(r rune) bool {
	if r < utf8.RuneSelf {
		return a.ascii[r>>6]&(1<<(r&63)) != 0
	}
	for i := 0; i+1 < len(a.ranges); i += 2 {
		if r < a.ranges[i] {
			return false
		}
		if r <= a.ranges[i+1] {
			return true
		}
	}
	return false
}

func compileSeq(re *syntax.Regexp) *seqMatcher {
	if re == nil || re.Op != syntax.OpConcat || len(re.Sub) < 2 {
		return nil
	}
	subs := re.Sub
	if subs[0].Op != syntax.OpBeginText || subs[len(subs)-1].Op != syntax.OpEndText {
		return nil
	}
	m := &seqMatcher{}
	for _, s := range subs[1 : len(subs)-1] {
		lo, hi := 1, 1
		switch s.Op {
		case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
			lo, hi = repeatBounds(s)
			s = s.Sub[0]
		}
		switch s.Op {
		case syntax.OpLiteral:
			if s.Flags&syntax.FoldCase != 0 {
				return nil
			}
			if len(s.Rune) > 1 && (lo != 1 || hi != 1) {
				return nil
			}
			for _, r := range s.Rune {
				m.atoms = append(m.atoms, newAtom([]rune{r, r}, lo, hi))
			}
		case syntax.OpCharClass:
			m.atoms = append(m.atoms, newAtom(s.Rune, lo, hi))
		default:
			return nil
		}
	}
	// A variable atom must not share a character with anything that may
	// come next (up to and including the next mandatory atom).
	for i, a := range m.atoms {
		if a.min == a.max {
			continue
		}
		for _, b := range m.atoms[i+1:] {
			if overlaps(a.ranges, b.ranges) {
				return nil
			}
			if b.min > 0 {
				break
			}
		}
	}
	return m
}

func overlaps(a, b []rune) bool {
	for i := 0; i+1 < len(a); i += 2 {
		for j := 0; j+1 < len(b); j += 2 {
			if a[i] <= b[j+1] && b[j] <= a[i+1] {
				return true
			}
		}
	}
	return false
}

func (m *seqMatcher) match(s string) bool {
	pos := 0
	for i := range m.atoms {
		a := &m.atoms[i]
		n := 0
		for (a.max < 0 || n < a.max) && pos < len(s) {
			r, size := rune(s[pos]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(s[pos:])
			}
			if !a.has(r) {
				break
			}
			pos += size
			n++
		}
		if n < a.min {
			return false
		}
	}
	return pos == len(s)
}

// genRunes is how far above its minimum a generated string may go when
// the schema sets no maxLength: long enough to look real, short enough to
// read.
const genRunes = 16

// generate makes a string of the sequence with a rune count in
// [minLen, maxLen] (maxLen < 0: unbounded), or ok=false when the pattern's
// own bounds rule that out.
func (m *seqMatcher) generate(r *rng, minLen, maxLen int) (string, bool) {
	sumMin, sumMax := 0, 0
	for _, a := range m.atoms {
		sumMin += a.min
		if sumMax >= 0 {
			if a.max < 0 {
				sumMax = -1
			} else {
				sumMax += a.max
			}
		}
	}
	lo, hi := max(minLen, sumMin), sumMax
	if maxLen >= 0 && (hi < 0 || maxLen < hi) {
		hi = maxLen
	}
	if hi < 0 || hi > lo+genRunes {
		hi = lo + genRunes
	}
	if lo > hi {
		return "", false
	}
	counts := make([]int, len(m.atoms))
	spare := lo + r.IntN(hi-lo+1) - sumMin
	for i, a := range m.atoms {
		counts[i] = a.min
	}
	// Hand the spare repetitions out one at a time to random atoms that
	// can still grow.
	var open []int
	for i, a := range m.atoms {
		if a.max < 0 || a.max > a.min {
			open = append(open, i)
		}
	}
	for ; spare > 0; spare-- {
		if len(open) == 0 {
			return "", false
		}
		k := r.IntN(len(open))
		i := open[k]
		if counts[i]++; m.atoms[i].max >= 0 && counts[i] == m.atoms[i].max {
			open = append(open[:k], open[k+1:]...)
		}
	}
	var b []byte
	for i, a := range m.atoms {
		for range counts[i] {
			b = appendRune(b, pickFromClass(a.ranges, r))
		}
	}
	return string(b), true
}
