package generator

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTranslateECMA(t *testing.T) {
	for in, want := range map[string]string{
		`^\d+\/\w+$`:            `^\d+/\w+$`,
		`^(?<year>\d{4})$`:      `^(?P<year>\d{4})$`,
		`^[^]*$`:                `^[\s\S]*$`,
		`^\u00e9\u{1F600}$`:     `^\x{00e9}\x{1F600}$`,
		`^\cJ$`:                 `^\x{0a}$`,
		`^[\b]$`:                `^[\x08]$`,
		`^\p{Script=Greek}+$`:   `^\p{Greek}+$`,
		`^a{2,5000}$`:           `^a{2,1000}$`,
		`^\0$`:                  `^\x00$`,
		`^sips?:[^\s@]+@[^@]+$`: `^sips?:[^\s@]+@[^@]+$`,
	} {
		got, err := translateECMA(in)
		if err != nil || got != want {
			t.Errorf("translateECMA(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{`^(?=a)b$`, `^(?!a)b$`, `(?<=a)b`, `(?<!a)b`, `^(a)\1$`, `\k<x>`, `[]`} {
		if _, err := translateECMA(in); err == nil {
			t.Errorf("translateECMA(%q) succeeded; Go cannot express it", in)
		}
	}
}

// Every pattern that can be generated from yields only matching strings,
// including ECMA-only spellings that Go's regexp cannot read as is.
func TestPatternGeneration(t *testing.T) {
	patterns := []string{
		`^\d{4}-\d{2}-\d{2}$`, `^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$`, `^(foo|bar|baz)(-\d+)?$`,
		`^sips?:[^\s@]+@[^\s@]+$`, `^\+[1-9][0-9]{1,14}$`, `^[a-zA-Z0-9\-_.]+$`,
		`^(whsec_)?[a-zA-Z0-9+/=]{32,100}$`, `^refs/(heads|tags|pull)/.*$`, `^pkg`, `ab+c`,
		`^\u00e9+$`, `^[^]{3}$`, `^(?<id>[a-f0-9]{8})$`, `^[^\x00-\x7f]+$`, `(?i)^hello$`, `^\/api\/v\d$`,
	}
	r := newRNG(1)
	for _, src := range patterns {
		p := compilePattern(src)
		if p.err != nil {
			t.Errorf("%s: %v", src, p.err)
			continue
		}
		for i := range 200 {
			s, err := p.generate(r, genState{mode: repeatMode(i % 3)})
			if err != nil || !p.matches(s) {
				t.Fatalf("%s generated %q (%v), which does not match", src, s, err)
			}
		}
	}
	if p := compilePattern(`^(?=x)y$`); p.err == nil || !strings.Contains(p.err.Error(), "lookaround") {
		t.Errorf("lookahead should be reported as ungeneratable, got %v", p.err)
	}
}

// The sequence matcher must agree with Go's regexp exactly.
func TestSeqMatcherAgreesWithRegexp(t *testing.T) {
	cases := map[string]bool{ // pattern → must be a sequence
		`^sips?:[^\s@]+@[^\s@]+$`: true, `^\+[1-9][0-9]{1,14}$`: true, `^[0-9]+$`: true,
		`^[a-zA-Z0-9\-_.]+$`: true, `^a*b?c{2,3}$`: true, `^é[^a]*$`: true,
		`^a*a$`: false, `^(ab)+$`: false, `^x|y$`: false, `abc`: false, `(?i)^ab$`: false,
	}
	alphabet := []rune("sip:@+0123456789abcxyé .-_\t")
	r := newRNG(2)
	for src, isSeq := range cases {
		p := compilePattern(src)
		if (p.seq != nil) != isSeq {
			t.Errorf("%s: sequence matcher used = %v, want %v", src, p.seq != nil, isSeq)
			continue
		}
		if p.seq == nil {
			continue
		}
		re := regexp.MustCompile(src)
		for range 5000 {
			b := make([]rune, r.IntN(12))
			for i := range b {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
			s := string(b)
			if p.seq.match(s) != re.MatchString(s) {
				t.Fatalf("%s on %q: sequence says %v, regexp says %v", src, s, p.seq.match(s), re.MatchString(s))
			}
		}
		for range 200 {
			s, ok := p.seq.generate(r, 3, 12)
			if ok && (!re.MatchString(s) || utf8.RuneCountInString(s) < 3 || utf8.RuneCountInString(s) > 12) {
				t.Fatalf("%s generated %q outside the pattern or 3..12 runes", src, s)
			}
		}
	}
}
