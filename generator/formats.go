package generator

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// formatCheckers hold one tiny compiled schema per format, so that the
// generator's own checks use exactly the validator's format semantics.
var formatCheckers sync.Map // format name → *jsonschema.Schema, or nil for formats the validator ignores

// assertedFormats are the formats the spec package's validator checks;
// any other format is an annotation only.
var assertedFormats = map[string]bool{
	"json-pointer": true, "relative-json-pointer": true, "uuid": true, "duration": true, "period": true,
	"ipv4": true, "ipv6": true, "hostname": true, "email": true, "date": true, "time": true,
	"date-time": true, "uri": true, "iri": true, "uri-reference": true, "iri-reference": true,
	"uri-template": true, "semver": true, "regex": true,
	// idn-* are accepted by the validator's hostname/email checks only as
	// far as they are ASCII; generating ASCII keeps both happy.
}

func formatChecker(name string) *jsonschema.Schema {
	if v, ok := formatCheckers.Load(name); ok {
		s, _ := v.(*jsonschema.Schema)
		return s
	}
	var sch *jsonschema.Schema
	if assertedFormats[name] {
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		c.AssertFormat()
		if err := c.AddResource("mem:///format.json", map[string]any{"format": name}); err == nil {
			sch, _ = c.Compile("mem:///format.json")
		}
	}
	formatCheckers.Store(name, sch)
	return sch
}

// formatOK says whether s satisfies format as the validator reads it.
// The shapes this package generates most are recognised without the
// validator; anything else goes to it.
func formatOK(format, s string) bool {
	switch format {
	case "uuid":
		return isUUID(s)
	case "uri", "iri", "uri-reference", "iri-reference", "uri-template":
		if isPlainURL(s) {
			return true
		}
	case "date-time":
		if len(s) == 20 && s[19] == 'Z' {
			if _, err := time.Parse("2006-01-02T15:04:05Z", s); err == nil {
				return true
			}
		}
	}
	sch := formatChecker(format)
	return sch == nil || sch.Validate(s) == nil
}

// isPlainURL recognises http(s) URLs made only of unreserved characters
// and slashes, which every URL check accepts.
func isPlainURL(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "http://"); !ok {
			return false
		}
	}
	if rest == "" || rest[0] == '/' || rest[0] == '.' {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == '~' || c == '/') {
			return false
		}
	}
	return true
}

// isUUID is the hot path of formatOK: calltransfer events carry four.
func isUUID(s string) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return false
	}
	for i := 0; i < 36; i++ {
		if !hexChar[s[i]] && i != 8 && i != 13 && i != 18 && i != 23 {
			return false
		}
	}
	return true
}

var hexChar = func() (t [256]bool) {
	for _, c := range "0123456789abcdefABCDEF" {
		t[c] = true
	}
	return t
}()

// generatedFormats are the formats genFormat knows.
var generatedFormats = map[string]bool{
	"uuid": true, "date-time": true, "date": true, "time": true, "duration": true, "period": true,
	"email": true, "idn-email": true, "hostname": true, "idn-hostname": true, "ipv4": true, "ipv6": true,
	"uri": true, "iri": true, "uri-reference": true, "iri-reference": true, "uri-template": true,
	"json-pointer": true, "relative-json-pointer": true, "regex": true, "semver": true,
	"byte": true, "password": true, "phone": true,
}

// genFormat produces a realistic value for a string format, or ok=false
// for formats it does not know (they are then ordinary strings).
func (c *genCtx) genFormat(format string) (string, bool) {
	r := c.r
	switch format {
	case "uuid":
		return r.UUID(), true
	case "date-time":
		return c.pastTime().Format(time.RFC3339), true
	case "date":
		return c.pastTime().Format("2006-01-02"), true
	case "time":
		return c.pastTime().Format("15:04:05Z07:00"), true
	case "duration":
		return fmt.Sprintf("PT%dM%dS", r.IntN(120), r.IntN(60)), true
	case "period":
		start := c.pastTime()
		return start.Format(time.RFC3339) + "/" + start.Add(time.Duration(1+r.IntN(72))*time.Hour).Format(time.RFC3339), true
	case "email", "idn-email":
		return r.Email(), true
	case "hostname", "idn-hostname":
		return hostName(r), true
	case "ipv4":
		return r.IPv4Address(), true
	case "ipv6":
		return r.IPv6Address(), true
	case "uri", "iri":
		return webURL(r), true
	case "uri-reference", "iri-reference":
		if r.Bool() {
			return webURL(r), true
		}
		return "/" + slug(r.Word()) + "/" + strconv.Itoa(1+r.IntN(9999)), true
	case "uri-template":
		return "https://api." + hostName(r) + "/" + slug(r.Word()) + "/{id}", true
	case "json-pointer":
		return "/" + slug(r.Word()) + "/" + strconv.Itoa(r.IntN(10)), true
	case "relative-json-pointer":
		return strconv.Itoa(r.IntN(3)) + "/" + slug(r.Word()), true
	case "regex":
		return "^[a-z]+-[0-9]{2,4}$", true
	case "semver":
		return fmt.Sprintf("%d.%d.%d", r.IntN(5), r.IntN(20), r.IntN(30)), true
	case "byte":
		b := make([]byte, 12+r.IntN(12))
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return base64.StdEncoding.EncodeToString(b), true
	case "password":
		return r.Password(true, true, true, false, false, 16), true
	case "phone":
		return e164(r), true
	}
	return "", false
}

var (
	tlds     = []string{"com", "io", "net", "org", "dev", "app", "co"}
	hostHead = []string{"", "", "www.", "api.", "app."}
)

// hostName and webURL replace gofakeit's DomainName and URL, which format
// through fmt and dominate the profile of URL-heavy specs (GitHub's events
// carry about a hundred URLs each).
func hostName(r *rng) string {
	return pick(r, nouns) + "." + tlds[r.IntN(len(tlds))]
}

func webURL(r *rng) string {
	var b strings.Builder
	b.Grow(64)
	b.WriteString("https://")
	b.WriteString(hostHead[r.IntN(len(hostHead))])
	b.WriteString(hostName(r))
	for i, n := 0, 1+r.IntN(3); i < n; i++ {
		b.WriteByte('/')
		if i > 0 && r.chance(0.3) {
			b.WriteString(strconv.Itoa(1 + r.IntN(99999)))
		} else {
			b.WriteString(slug(r.Word()))
		}
	}
	return b.String()
}

// pastTime is a moment up to a year before the clock's reading: records a
// webhook refers to (users, repositories) usually predate the event.
func (c *genCtx) pastTime() time.Time {
	back := time.Duration(c.r.Int64N(int64(365*24*time.Hour/time.Second))) * time.Second
	return c.now.Add(-back).UTC()
}

func slug(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	var b strings.Builder
	for _, ch := range s {
		switch {
		case ch >= 'a' && ch <= 'z', ch >= '0' && ch <= '9':
			b.WriteRune(ch)
		case ch == ' ' || ch == '-' || ch == '_':
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" {
		return "item"
	}
	return out
}
