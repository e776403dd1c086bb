package yamlsafe

import (
	"fmt"
	"strings"
)

// UnknownKey words the error for a key that is not one of valid: the
// closest valid keys first, then all of them, so that a typo is one glance
// from its fix.
func UnknownKey(key string, valid []string) string {
	msg := fmt.Sprintf("unknown key %q", key)
	if near := Nearest(key, valid); len(near) > 0 {
		msg += fmt.Sprintf(" (did you mean %s?)", quoteJoin(near, " or "))
	}
	if len(valid) > 0 {
		msg += "; valid keys: " + strings.Join(valid, ", ")
	}
	return msg
}

// Nearest returns the entries of valid within a small edit distance of s
// (or equal to it ignoring case), closest first.
func Nearest(s string, valid []string) []string {
	best, out := -1, []string(nil)
	for _, v := range valid {
		d := distance(strings.ToLower(s), strings.ToLower(v))
		if d > max(1, min(len(s), len(v))/3) {
			continue
		}
		switch {
		case best < 0 || d < best:
			best, out = d, []string{v}
		case d == best:
			out = append(out, v)
		}
	}
	return out
}

func quoteJoin(list []string, sep string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, sep)
}

// distance is the Levenshtein distance with adjacent transpositions, the
// usual shape of a typo. Keys are short, so the quadratic table is cheap;
// long inputs are cut off rather than compared.
func distance(a, b string) int {
	const cap = 64
	if len(a) > cap || len(b) > cap {
		if a == b {
			return 0
		}
		return cap
	}
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// Closest returns the candidate nearest to s, if it is near enough (under
// half of s's length, plus two) to be a likely typo; "" if none is.
func Closest(s string, candidates []string) string {
	best, bestD := "", len(s)/2+2
	for _, c := range candidates {
		if d := distance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
