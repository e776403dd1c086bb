package generator

import (
	"encoding/base64"
	"regexp"
	"strings"
)

// Realism from the spec's own words. A free string (no format, pattern
// or enum) is better drawn from what the author wrote than made up:
//
//   - property-level example, examples and default (merge.go collects
//     them; freeExamplesChance below prefers them for free strings);
//   - a set of values the description lists: "Can be `pending`,
//     `success`, `failure`, or `error`.", "Supported values include `json`
//     and `form`.", "The repository visibility: public, private, or
//     internal." (describedValues);
//   - the shape of an id the examples or the name show: hex of a fixed
//     length (gravatar_id's md5, a commit's 40-hex sha), GitHub-style
//     base64 node ids; and a description that calls the value a SHA.
//
// Every candidate still passes the node's own checks (accepts), so
// realism never costs validity.

// freeExamplesChance is how often a free string takes one of the
// author's values: most of the time, so that `visibility` reads
// "public", while a few events still exercise other strings.
const freeExamplesChance = 0.85

// listTrigger introduces a list of values in a description.
var listTrigger = regexp.MustCompile(`(?i)(?:\bcan be(?: one of| either)?|\bone of|\beither|\b(?:supported|possible|valid|allowed|accepted) values(?: are| include)?|\bvalues are|\bis one of)\s*:?\s*`)

// quotedList matches `a`, `b`, or `c` (or "a", "b" and "c").
var quotedList = regexp.MustCompile("^(?:[`\"']([^`\"'\\s][^`\"']{0,40})[`\"'])((?:\\s*(?:,\\s*(?:or\\s+|and\\s+)?|\\s+or\\s+|\\s+and\\s+)[`\"'][^`\"']{1,41}[`\"'])+)")

// colonList matches "visibility: public, private, or internal."
var colonList = regexp.MustCompile(`:\s+([a-z][a-z_-]{0,30}(?:,\s+[a-z][a-z_-]{0,30})*,?\s+(?:or|and)\s+[a-z][a-z_-]{0,30})\.?\s*$`)

var quotedItem = regexp.MustCompile("[`\"']([^`\"']{1,41})[`\"']")

// describedValues lists the values a description enumerates, or nil.
// Two values at least: one quoted word ("if the action was `edited`")
// names a case, not the set.
func describedValues(desc string) []any {
	if desc == "" || len(desc) > 2000 {
		return nil
	}
	var out []any
	for _, loc := range listTrigger.FindAllStringIndex(desc, 4) {
		rest := desc[loc[1]:]
		m := quotedList.FindString(rest)
		if m == "" {
			continue
		}
		for _, q := range quotedItem.FindAllStringSubmatch(m, -1) {
			out = append(out, q[1])
		}
	}
	if len(out) >= 2 {
		return out
	}
	out = nil
	if m := colonList.FindStringSubmatch(desc); m != nil {
		for _, part := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ',' || r == ' ' }) {
			if part != "or" && part != "and" {
				out = append(out, part)
			}
		}
	}
	if len(out) >= 2 {
		return out
	}
	return nil
}

// idShape is a family of opaque ids recognised from examples or names.
type idShape uint8

const (
	shapeNone   idShape = iota
	shapeHex            // fixed-length lower-case hex (md5, sha1, sha256)
	shapeNodeID         // GitHub's base64 global node ids
)

var (
	hexRE    = regexp.MustCompile(`^[0-9a-f]{7,128}$`)
	base64RE = regexp.MustCompile(`^[A-Za-z0-9+/]{8,}={0,2}$`)
	shaWord  = regexp.MustCompile(`\bSHA(?:-1|-256)?\b`)
)

// exampleShape reads the shape the string examples share: all hex of one
// length, or all base64 that decodes to "NN:Kind..." (GitHub's node ids).
func exampleShape(examples []any) (idShape, int) {
	shape, length := shapeNone, 0
	for i, e := range examples {
		s, ok := e.(string)
		if !ok {
			return shapeNone, 0
		}
		var sh idShape
		switch {
		case hexRE.MatchString(s) && (strings.ContainsAny(s, "abcdef") || len(s) == 32 || len(s) == 40 || len(s) == 64):
			// All digits is a number written as text, not a hex id.
			sh = shapeHex
		case base64RE.MatchString(s) && isNodeID(s):
			sh = shapeNodeID
		default:
			return shapeNone, 0
		}
		if i == 0 {
			shape, length = sh, len(s)
		} else if sh != shape || sh == shapeHex && len(s) != length {
			return shapeNone, 0
		}
	}
	return shape, length
}

func isNodeID(s string) bool {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) < 4 {
		return false
	}
	return b[0] >= '0' && b[0] <= '9' && b[1] >= '0' && b[1] <= '9' && b[2] == ':'
}

// shaped makes an id of the shape the examples, the name or the
// description show, or ok=false.
func (c *genCtx) shaped(n *node, h hint) (any, bool) {
	if n.format != "" || n.enum != nil {
		return nil, false
	}
	shape, length := n.shape, n.shapeLen
	switch {
	case shape != shapeNone:
	case h == hintMD5:
		shape, length = shapeHex, 32
	case h == hintNodeID:
		shape = shapeNodeID
	case h == hintSHA || h == hintNone && n.sha:
		shape, length = shapeHex, 40
	default:
		return nil, false
	}
	var v string
	if shape == shapeHex {
		const digits = "0123456789abcdef"
		b := make([]byte, length)
		for i := range b {
			b[i] = digits[c.r.IntN(16)]
		}
		v = string(b)
	} else {
		kinds := []string{"User", "Repository", "Issue", "PullRequest", "Commit"}
		k := kinds[c.r.IntN(len(kinds))]
		id := 1 + c.r.Int64N(999_999_999)
		v = base64.StdEncoding.EncodeToString([]byte(twoDigits(len(k)) + ":" + k + itoa64(id)))
	}
	if !n.accepts(v, 0) {
		return nil, false
	}
	return v, true
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10%10), byte('0' + n%10)}) }

func itoa64(v int64) string {
	var b [20]byte
	i := len(b)
	for v > 0 || i == len(b) {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[i:])
}
