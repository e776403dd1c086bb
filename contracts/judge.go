package contracts

import (
	"fmt"
	"strings"
	"time"
)

// expectation is what a case wants of one exchange.
type expectation struct {
	text string // e.g. "200 within 5s", "4xx"
	ok   func(ex Exchange) bool
}

// wantSuccess wants the contract's success status; timed also wants it
// within the deadline, which only accepts-valid and probe judge, so that a
// slow consumer fails the clause about speed and no other.
func (s *settings) wantSuccess(timed bool) expectation {
	if !timed {
		return expectation{s.successText(), func(ex Exchange) bool { return s.isSuccess(ex.Status) }}
	}
	return expectation{fmt.Sprintf("%s within %s", s.successText(), durationText(s.deadline)), func(ex Exchange) bool {
		return s.isSuccess(ex.Status) && !s.late(ex)
	}}
}

func (s *settings) late(ex Exchange) bool {
	return time.Duration(ex.LatencyMS*float64(time.Millisecond)) > s.deadline
}

var want4xx = expectation{"4xx", func(ex Exchange) bool { return ex.Status >= 400 && ex.Status < 500 }}

// wantNo5xx also wants an answer: a consumer that times out or drops the
// connection has not shown that it survives the case.
var wantNo5xx = expectation{"an answer other than 5xx", func(ex Exchange) bool { return ex.Status > 0 && ex.Status < 500 }}

// judge checks every exchange against want and keeps all as evidence.
func judge(want expectation, exs ...Exchange) outcome {
	o := outcome{verdict: VerdictPass, evidence: exs}
	var fails, oks []string
	for _, ex := range exs {
		step := ""
		if len(exs) > 1 {
			step = ex.Step + ": "
		}
		// A status whose body never finished arriving is not an answer.
		if want.ok(ex) && ex.Error == "" {
			oks = append(oks, step+got(ex))
			continue
		}
		fails = append(fails, fmt.Sprintf("%swant %s, got %s", step, want.text, got(ex)))
	}
	if len(fails) > 0 {
		o.verdict, o.reason = VerdictFail, strings.Join(fails, "; ")
		return o
	}
	if len(exs) == 1 {
		o.reason = fmt.Sprintf("want %s: got %s", want.text, oks[0])
		return o
	}
	o.reason = fmt.Sprintf("want %s each time: %s", want.text, strings.Join(oks, "; "))
	return o
}

// fail makes a failed outcome with evidence.
func fail(reason string, exs ...Exchange) outcome {
	return outcome{verdict: VerdictFail, reason: reason, evidence: exs}
}

func skip(reason string) outcome { return outcome{verdict: VerdictSkip, reason: reason} }

// got describes what an exchange got back, for reasons.
func got(ex Exchange) string {
	switch {
	case ex.Status == 0:
		return fmt.Sprintf("no answer after %s (%s)", ms(ex.LatencyMS), ex.Error)
	case ex.Error != "":
		return fmt.Sprintf("%d in %s, then %s", ex.Status, ms(ex.LatencyMS), ex.Error)
	}
	return fmt.Sprintf("%d in %s", ex.Status, ms(ex.LatencyMS))
}

// ms prints a latency the way a person reads it.
func ms(v float64) string {
	if v >= 1000 {
		return fmt.Sprintf("%.2f s", v/1000)
	}
	return fmt.Sprintf("%.1f ms", v)
}

// excerpt shortens a body for evidence: whitespace folded, at most n runes.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// durationText prints 1h0m0s as 1h and 2m30s as 2m30s.
func durationText(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
