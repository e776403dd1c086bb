package gate

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/hookmock/hookmock/spec"
)

// CheckStatus is the outcome of one semver check.
type CheckStatus int

const (
	CheckOK       CheckStatus = iota + 1 // the bump covers the changes
	CheckTooSmall                        // the bump is smaller than the changes need: fails the gate
	CheckOverBump                        // the bump is larger than needed: reported, does not fail
	CheckInvalid                         // a version is not semver, or went backwards: fails the gate
)

var statusNames = map[CheckStatus]string{CheckOK: "ok", CheckTooSmall: "too-small", CheckOverBump: "over-bump", CheckInvalid: "invalid"}

func (s CheckStatus) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return fmt.Sprintf("CheckStatus(%d)", int(s))
}

// MarshalText lets reports carry the status by name.
func (s CheckStatus) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Failed tells whether the check fails the gate.
func (s CheckStatus) Failed() bool { return s == CheckTooSmall || s == CheckInvalid }

// Check is one version compared with what the findings need.
type Check struct {
	// Event is "" for the document's info.version.
	Event      string      `json:"event,omitempty"`
	OldPointer string      `json:"oldPointer"`
	NewPointer string      `json:"newPointer"`
	Old        string      `json:"old"`
	New        string      `json:"new"`
	Required   Bump        `json:"required"`
	Actual     Bump        `json:"actual"`
	Status     CheckStatus `json:"status"`
	Message    string      `json:"message"`
}

// Subject names what the check is about, for people.
func (c *Check) Subject() string {
	if c.Event == "" {
		return "info.version"
	}
	return c.Event + " envelope version"
}

type semver struct {
	major, minor, patch uint64
	pre                 string
}

var semverRE = regexp.MustCompile(`^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$`)

func parseSemver(s string) (semver, bool) {
	m := semverRE.FindStringSubmatch(s)
	if m == nil {
		return semver{}, false
	}
	var v semver
	var err1, err2, err3 error
	v.major, err1 = strconv.ParseUint(m[1], 10, 64)
	v.minor, err2 = strconv.ParseUint(m[2], 10, 64)
	v.patch, err3 = strconv.ParseUint(m[3], 10, 64)
	v.pre = m[4]
	return v, err1 == nil && err2 == nil && err3 == nil
}

// bumpBetween is the increment from a to b, judged on major.minor.patch;
// prerelease tags are ignored. ok is false when b is below a.
func bumpBetween(a, b semver) (Bump, bool) {
	switch {
	case b.major != a.major:
		return Major, b.major > a.major
	case b.minor != a.minor:
		return Minor, b.minor > a.minor
	case b.patch != a.patch:
		return Patch, b.patch > a.patch
	}
	return None, true
}

// preOneZero maps what changes need onto 0.y.z versions, where the API is
// not yet stable: a breaking change needs a minor bump, anything else a
// patch bump (the reading of semver §4 that npm and Cargo use).
func preOneZero(b Bump) Bump {
	switch b {
	case Major:
		return Minor
	case Minor:
		return Patch
	}
	return b
}

// judge compares a version change with the bump the changes need.
// patchOptional allows a patch bump when only documentation changed
// (envelope versions describe payloads, which documentation leaves alone).
func judge(c *Check, need Bump, patchOptional bool) {
	ov, ok1 := parseSemver(c.Old)
	nv, ok2 := parseSemver(c.New)
	if !ok1 || !ok2 {
		c.Status, c.Required = CheckInvalid, need
		bad := c.Old
		if ok1 {
			bad = c.New
		}
		c.Message = fmt.Sprintf("%q is not a semantic version (MAJOR.MINOR.PATCH)", bad)
		return
	}
	if ov.major == 0 {
		need = preOneZero(need)
	}
	c.Required = need
	actual, forward := bumpBetween(ov, nv)
	c.Actual = actual
	switch {
	case !forward:
		c.Status, c.Message = CheckInvalid, fmt.Sprintf("version went backwards: %s → %s", c.Old, c.New)
	case actual < need:
		c.Status, c.Message = CheckTooSmall, fmt.Sprintf("%s → %s is a %s bump; the changes need %s", c.Old, c.New, actual, need)
	case actual > need && !(patchOptional && actual == Patch && need == None):
		c.Status, c.Message = CheckOverBump, fmt.Sprintf("%s → %s is a %s bump; %s would do", c.Old, c.New, actual, need)
	case actual == None:
		c.Status, c.Message = CheckOK, fmt.Sprintf("%s unchanged; no change needs a bump", c.Old)
	default:
		c.Status, c.Message = CheckOK, fmt.Sprintf("%s → %s (%s) covers the changes (%s needed)", c.Old, c.New, actual, need)
	}
}

// semverChecks checks info.version against every finding, and each
// matched event's envelope version against that event's body findings.
func semverChecks(r *Report, pairs [][2]*spec.Event, c *comparer) []Check {
	need := None
	perEvent := map[string]Bump{}
	for _, f := range r.Findings {
		need = max(need, f.Bump)
		if f.Part == PartBody {
			perEvent[f.Event] = max(perEvent[f.Event], f.Bump)
		}
	}
	info := Check{OldPointer: "/info/version", NewPointer: "/info/version", Old: r.Old.Version, New: r.New.Version}
	judge(&info, need, false)
	checks := []Check{info}
	for _, pr := range pairs {
		oe, ne := pr[0], pr[1]
		if oe.Version == "" || ne.Version == "" {
			continue // no envelope version to keep in step
		}
		ck := Check{Event: ne.Name, OldPointer: c.old.versionPtr(oe), NewPointer: c.new.versionPtr(ne), Old: oe.Version, New: ne.Version}
		need := perEvent[ne.Name]
		if need == Patch {
			need = None
		}
		judge(&ck, need, true)
		checks = append(checks, ck)
	}
	return checks
}

// versionPtr is where the event body's `version` property is declared.
func (d *doc) versionPtr(e *spec.Event) string {
	if p, ok := d.view(e.Body).props["version"]; ok {
		return p.Ptr
	}
	return e.Body.Ptr
}
