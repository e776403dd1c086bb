package gate

import (
	"fmt"
	"strings"
)

// Verdict is the gate's decision.
type Verdict struct {
	Pass bool `json:"pass"`
	// Required is the bump info.version needs (after the 0.y.z rule).
	Required Bump `json:"required"`
	Breaking int  `json:"breaking"`
	// Reasons say why the gate fails; empty when it passes.
	Reasons []string `json:"reasons"`
}

// Verdict fails when a version bump is too small or not a semantic
// version, or when consumers were given and a breaking change reaches one.
// Over-bumps and replay failures are reported but pass.
func (r *Report) Verdict() Verdict {
	v := Verdict{Reasons: []string{}}
	for _, f := range r.Findings {
		if f.Level == Breaking {
			v.Breaking++
		}
	}
	for i, c := range r.Checks {
		if i == 0 {
			v.Required = c.Required
		}
		if c.Status.Failed() {
			v.Reasons = append(v.Reasons, c.Subject()+": "+c.Message)
		}
	}
	for _, c := range r.Consumers {
		if c.Broken {
			v.Reasons = append(v.Reasons, fmt.Sprintf("consumer %s: broken by %d breaking change(s)", c.Name, len(c.Findings)))
		}
	}
	v.Pass = len(v.Reasons) == 0
	return v
}

// Counts returns how many findings there are per level.
func (r *Report) Counts() map[Level]int {
	out := map[Level]int{}
	for _, f := range r.Findings {
		out[f.Level]++
	}
	return out
}

// eventCheckFailed tells whether the semver check that covers a finding failed.
func (r *Report) coveringCheckFailed(f *Finding) bool {
	for i, c := range r.Checks {
		if (i == 0 || (c.Event == f.Event && f.Part == PartBody)) && c.Status.Failed() {
			return true
		}
	}
	return false
}

// findingFails tells whether a finding is one the gate fails on: breaking
// and not covered by a sufficient bump, or breaking a declared consumer.
func (r *Report) findingFails(f *Finding) bool {
	return f.Level == Breaking && (len(f.Consumers) > 0 || r.coveringCheckFailed(f))
}

func (r *Report) headline() string {
	v := r.Verdict()
	word := "PASS"
	if !v.Pass {
		word = "FAIL"
	}
	title := r.New.Title
	if title == "" {
		title = r.Old.Title
	}
	return fmt.Sprintf("%s: %s %s → %s", word, title, r.Old.Version, r.New.Version)
}

func (r *Report) countLine() string {
	n := r.Counts()
	return fmt.Sprintf("%d breaking, %d non-breaking, %d info; info.version needs a %s bump",
		n[Breaking], n[NonBreaking], n[Info], r.Verdict().Required)
}

// eventLabel names a finding's event, or the document.
func eventLabel(f *Finding) string {
	if f.Event == "" {
		return "(document)"
	}
	return f.Event
}

// shortPaths renders the first message paths of a finding.
func shortPaths(paths []string) string {
	const show = 3
	if len(paths) <= show {
		return strings.Join(paths, ", ")
	}
	return fmt.Sprintf("%s (+%d more)", strings.Join(paths[:show], ", "), len(paths)-show)
}
