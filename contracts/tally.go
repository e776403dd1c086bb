package contracts

import (
	"fmt"
)

// offlineMissing says why a clause has no offline result of its own.
var offlineMissing = map[string]string{
	ClauseProbe:         "offline: the delivery log does not record verification probes",
	ClauseDuplicateSafe: "offline: no recorded duplicate of an event that had succeeded",
}

// maxEvidence bounds the exchanges an aggregated result keeps.
const maxEvidence = 5

// tally aggregates judged attempts per clause, event and case, keeping
// the order in which each group was first seen.
type tally struct {
	order  []tallyKey
	groups map[tallyKey]*tallyGroup
}

type tallyKey struct{ clause, event, name string }

type tallyGroup struct {
	total, failed, warned int
	firstFail, firstWarn  string
	passing               []Exchange
	failing               []Exchange
	want                  string
}

func newTally() *tally { return &tally{groups: map[tallyKey]*tallyGroup{}} }

func (t *tally) group(k tallyKey) *tallyGroup {
	g, ok := t.groups[k]
	if !ok {
		g = &tallyGroup{}
		t.groups[k] = g
		t.order = append(t.order, k)
	}
	return g
}

// add judges one exchange.
func (t *tally) add(clauseID, event, name string, ex Exchange, want expectation) {
	o := judge(want, ex)
	o.reason = "want " + want.text + ", got " + got(ex)
	t.addOutcome(clauseID, event, name, o)
	t.group(tallyKey{clauseID, event, name}).want = want.text
}

// addOutcome counts an already judged exchange.
func (t *tally) addOutcome(clauseID, event, name string, o outcome) {
	g := t.group(tallyKey{clauseID, event, name})
	g.total++
	if o.verdict == VerdictFail {
		g.failed++
		if g.firstFail == "" {
			g.firstFail = o.reason
		}
		if len(g.failing) < maxEvidence {
			g.failing = append(g.failing, o.evidence...)
		}
		return
	}
	if o.verdict == VerdictWarn {
		g.warned++
		if g.firstWarn == "" {
			g.firstWarn = o.reason
			// The warning's evidence replaces a passing attempt's.
			g.passing = o.evidence
		}
		return
	}
	if len(g.passing) < 1 {
		g.passing = append(g.passing, o.evidence...)
	}
}

// results gives one result per group, in clause order, and a skipped
// result for each clause that no attempt exercised.
func (t *tally) results(s *settings) []Result {
	var out []Result
	for _, cl := range registry {
		if s.skip[cl.ID] {
			out = append(out, Result{Clause: cl.ID, Case: "all", Verdict: VerdictSkip, Reason: "skipped by the contract"})
			continue
		}
		n := 0
		for _, k := range t.order {
			if k.clause == cl.ID {
				n++
				out = append(out, t.groups[k].result(k))
			}
		}
		if n == 0 {
			why := offlineMissing[cl.ID]
			if why == "" {
				why = "offline: no recorded delivery exercised this clause"
			}
			out = append(out, Result{Clause: cl.ID, Case: "all", Verdict: VerdictSkip, Reason: why})
		}
	}
	return out
}

func (g *tallyGroup) result(k tallyKey) Result {
	r := Result{Clause: k.clause, Event: k.event, Case: k.name, Verdict: VerdictPass, Evidence: g.passing}
	noun := "recorded attempt"
	if g.total != 1 {
		noun += "s"
	}
	if g.failed > 0 {
		r.Verdict, r.Evidence = VerdictFail, g.failing
		r.Reason = fmt.Sprintf("%d of %d %s failed; first: %s", g.failed, g.total, noun, g.firstFail)
		return r
	}
	if g.warned > 0 {
		r.Verdict = VerdictWarn
		r.Reason = fmt.Sprintf("%d of %d %s warned; first: %s", g.warned, g.total, noun, g.firstWarn)
		return r
	}
	r.Reason = fmt.Sprintf("%d %s, all as wanted", g.total, noun)
	if g.want != "" {
		r.Reason = fmt.Sprintf("%d %s, all %s", g.total, noun, g.want)
	}
	return r
}
