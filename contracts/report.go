package contracts

import (
	"slices"
	"sort"
	"time"
)

// Verdict is a case's (or a clause's) result, and its level: fail, warn,
// pass, or skip when it did not run.
type Verdict string

const (
	VerdictPass Verdict = "pass"
	VerdictFail Verdict = "fail"
	// VerdictWarn: the case did not break the contract, but what the
	// consumer did is a risk the report names (an accepted stale
	// timestamp where the provider documents no replay window). A warning
	// does not fail the run.
	VerdictWarn Verdict = "warn"
	// VerdictSkip: not run, because the contract skips the clause or it
	// does not apply (the reason says which).
	VerdictSkip Verdict = "skip"
)

// Report is the outcome of one verification.
type Report struct {
	// Consumer is the contract's name; Source its file.
	Consumer string `json:"consumer"`
	Source   string `json:"source,omitempty"`
	Endpoint string `json:"endpoint,omitempty"`
	// Spec names the provider contract: title, version and source.
	Spec string `json:"spec,omitempty"`
	// Mode is "live" (Verify) or "offline" (VerifyDeliveries).
	Mode string `json:"mode"`
	// Seed reproduces the generated events of a live run.
	Seed       uint64        `json:"seed,omitempty"`
	Started    time.Time     `json:"started"`
	Duration   time.Duration `json:"-"`
	DurationMS float64       `json:"durationMs"`
	// Error is set when the contract could not be verified at all (it
	// does not load, or names no endpoint); Results are then empty.
	Error   string   `json:"error,omitempty"`
	Results []Result `json:"results"`
	// Diagnosis names the consumer's mistakes behind failed clauses, with
	// the extra requests it sent; nil when there is nothing to explain.
	Diagnosis *Diagnosis `json:"diagnosis,omitempty"`
}

// Result is one clause-case.
type Result struct {
	Clause string `json:"clause"`
	// Event is the event the case sent ("" when it is not about one).
	Event   string  `json:"event,omitempty"`
	Case    string  `json:"case"`
	Verdict Verdict `json:"verdict"`
	// Reason says what was expected and what happened, or why it was skipped.
	Reason   string     `json:"reason"`
	Evidence []Exchange `json:"evidence,omitempty"`
}

// Exchange is one request of a case and what came back.
type Exchange struct {
	// Step says what was sent, e.g. "copy 2 of 2" or "signed with another secret".
	Step    string `json:"step"`
	EventID string `json:"eventId,omitempty"`
	// Delivery names the recorded delivery and attempt (offline mode).
	Delivery string `json:"delivery,omitempty"`
	// Status is 0 when no response came.
	Status    int     `json:"status,omitempty"`
	LatencyMS float64 `json:"latencyMs"`
	// Body is an excerpt of the response body.
	Body          string `json:"body,omitempty"`
	BodyTruncated bool   `json:"bodyTruncated,omitempty"`
	Error         string `json:"error,omitempty"`
}

// ClauseSummary is a clause's overall verdict: fail if any case failed,
// else warn if any case warned, skip if every case was skipped, else pass.
type ClauseSummary struct {
	Clause
	Verdict Verdict `json:"verdict"`
	Cases   int     `json:"cases"`
	Failed  int     `json:"failed"`
	Warned  int     `json:"warned"`
	// Diagnosis is the findings about this clause: the note on it.
	Diagnosis []Finding `json:"diagnosis,omitempty"`
}

// Passed tells whether the consumer kept the contract: the contract was
// verified and no case failed.
func (r Report) Passed() bool { return r.Error == "" && len(r.Failures()) == 0 }

// Failures lists the failed cases.
func (r Report) Failures() []Result { return r.withVerdict(VerdictFail) }

// Warnings lists the cases that warned.
func (r Report) Warnings() []Result { return r.withVerdict(VerdictWarn) }

func (r Report) withVerdict(v Verdict) []Result {
	var out []Result
	for _, res := range r.Results {
		if res.Verdict == v {
			out = append(out, res)
		}
	}
	return out
}

// Clause returns the cases of one clause.
func (r Report) Clause(id string) []Result {
	var out []Result
	for _, res := range r.Results {
		if res.Clause == id {
			out = append(out, res)
		}
	}
	return out
}

// Summary gives every clause's verdict, in run order.
func (r Report) Summary() []ClauseSummary {
	out := make([]ClauseSummary, 0, len(registry))
	for _, c := range registry {
		s := ClauseSummary{Clause: c.Clause, Verdict: VerdictSkip, Diagnosis: r.Diagnosis.For(c.ID)}
		for _, res := range r.Clause(c.ID) {
			s.Cases++
			switch res.Verdict {
			case VerdictFail:
				s.Failed++
			case VerdictWarn:
				s.Warned++
			}
			s.Verdict = worse(s.Verdict, res.Verdict)
		}
		out = append(out, s)
	}
	return out
}

// worse orders levels for a clause's summary: fail, warn, pass, skip.
func worse(a, b Verdict) Verdict {
	rank := map[Verdict]int{VerdictSkip: 0, VerdictPass: 1, VerdictWarn: 2, VerdictFail: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// FailedClauses lists the ids of the clauses with a failed case.
func (r Report) FailedClauses() []string { return r.clausesAt(VerdictFail) }

// WarnedClauses lists the ids of the clauses that warned and did not fail.
func (r Report) WarnedClauses() []string { return r.clausesAt(VerdictWarn) }

func (r Report) clausesAt(v Verdict) []string {
	var out []string
	for _, s := range r.Summary() {
		if s.Verdict == v {
			out = append(out, s.ID)
		}
	}
	return out
}

// Counts returns how many cases passed, failed and were skipped; a case
// that warned counts as passed (Warnings lists them).
func (r Report) Counts() (passed, failed, skipped int) {
	for _, res := range r.Results {
		switch res.Verdict {
		case VerdictPass, VerdictWarn:
			passed++
		case VerdictFail:
			failed++
		default:
			skipped++
		}
	}
	return
}

// sortResults orders results by clause, in run order, keeping the order of
// cases within a clause.
func sortResults(rs []Result) {
	ids := ClauseIDs()
	sort.SliceStable(rs, func(i, j int) bool {
		return slices.Index(ids, rs[i].Clause) < slices.Index(ids, rs[j].Clause)
	})
}
