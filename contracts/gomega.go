package contracts

import (
	"fmt"
	"slices"
	"strings"
)

// The matchers below satisfy Gomega's GomegaMatcher interface (Match,
// FailureMessage, NegatedFailureMessage) structurally: Go interfaces need
// no import, so the CLI and every other importer of this package does not
// link Gomega, while test suites write Expect(report).To(contracts.Pass()).

// Pass matches a verification that kept the contract. The actual value is
// a Report, a *Report, a []Result (e.g. report.Clause(id)) or a Result.
// The failure message lists each failed clause with its evidence.
func Pass() *PassMatcher { return &PassMatcher{} }

// PassMatcher is Pass's matcher.
type PassMatcher struct{}

// Match tells whether nothing failed.
func (*PassMatcher) Match(actual any) (bool, error) {
	rep, err := asReport(actual)
	if err != nil {
		return false, err
	}
	return rep.Passed(), nil
}

// FailureMessage lists the failed clauses and their evidence.
func (*PassMatcher) FailureMessage(actual any) string {
	rep, err := asReport(actual)
	if err != nil {
		return err.Error()
	}
	if rep.Error != "" {
		return fmt.Sprintf("Expected consumer %q to keep its contract, but it could not be verified: %s", rep.Consumer, rep.Error)
	}
	fc := rep.FailedClauses()
	return fmt.Sprintf("Expected consumer %q to keep its contract, but %d clause(s) failed:\n%s", rep.Consumer, len(fc), failureText(rep))
}

// NegatedFailureMessage is for Expect(report).NotTo(Pass()).
func (*PassMatcher) NegatedFailureMessage(actual any) string {
	rep, err := asReport(actual)
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("Expected consumer %q to break its contract, but every case passed (%d)", rep.Consumer, len(rep.Results))
}

// FailExactly matches a report in which exactly the named clauses failed:
// for teams who keep a deliberately broken consumer to prove their checks
// catch it, and for hookmock's own tests.
func FailExactly(clauseIDs ...string) *FailExactlyMatcher {
	ids := slices.Clone(clauseIDs)
	slices.Sort(ids)
	return &FailExactlyMatcher{ids: ids}
}

// FailExactlyMatcher is FailExactly's matcher.
type FailExactlyMatcher struct{ ids []string }

// Match compares the failed clauses with the expected ones.
func (m *FailExactlyMatcher) Match(actual any) (bool, error) {
	rep, err := asReport(actual)
	if err != nil {
		return false, err
	}
	if rep.Error != "" {
		return false, fmt.Errorf("the contract could not be verified: %s", rep.Error)
	}
	got := rep.FailedClauses()
	slices.Sort(got)
	return slices.Equal(got, m.ids), nil
}

// FailureMessage shows the clauses that failed and the evidence.
func (m *FailExactlyMatcher) FailureMessage(actual any) string {
	rep, err := asReport(actual)
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("Expected exactly clauses [%s] to fail, got [%s]:\n%s",
		strings.Join(m.ids, ", "), strings.Join(rep.FailedClauses(), ", "), failureText(rep))
}

// NegatedFailureMessage is for NotTo(FailExactly(…)).
func (m *FailExactlyMatcher) NegatedFailureMessage(any) string {
	return fmt.Sprintf("Expected the failed clauses not to be exactly [%s]", strings.Join(m.ids, ", "))
}

func asReport(actual any) (*Report, error) {
	switch a := actual.(type) {
	case Report:
		return &a, nil
	case *Report:
		if a == nil {
			return nil, fmt.Errorf("contracts matcher: got a nil *Report")
		}
		return a, nil
	case []Result:
		rep := &Report{Consumer: "consumer", Results: a}
		if len(a) > 0 {
			rep.Consumer = "consumer (clause " + a[0].Clause + ")"
		}
		return rep, nil
	case Result:
		return &Report{Consumer: "consumer (clause " + a.Clause + ")", Results: []Result{a}}, nil
	}
	return nil, fmt.Errorf("contracts matcher: want a Report, *Report, []Result or Result, got %T", actual)
}

// failureText lists each failed clause, then its failed cases with their
// evidence, indented for a test log.
func failureText(rep *Report) string {
	var b strings.Builder
	for _, s := range rep.Summary() {
		if s.Verdict != VerdictFail {
			continue
		}
		fmt.Fprintf(&b, "\n  ✗ %s: %s\n", s.ID, s.Description)
		for _, res := range rep.Clause(s.ID) {
			if res.Verdict != VerdictFail {
				continue
			}
			fmt.Fprintf(&b, "      %s %s:\n", orDash(res.Event), res.Case)
			for _, line := range strings.Split(strings.TrimSpace(evidenceText(res)), "\n") {
				fmt.Fprintf(&b, "        %s\n", line)
			}
		}
		for _, line := range strings.Split(strings.TrimSpace(findingsText(s.Diagnosis)), "\n") {
			if line != "" {
				fmt.Fprintf(&b, "    %s\n", line)
			}
		}
	}
	return b.String()
}
