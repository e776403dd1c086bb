package contracts

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hookmock/hookmock/contracts/junit"
)

// writeJUnit writes one testcase per clause-case: classname is the
// clause, name the event and case, and a failure carries the evidence.
func (r Report) writeJUnit(w io.Writer) error {
	s := junit.Suite{Name: "hookmock verify " + r.Consumer, Time: seconds(r.Duration), Timestamp: r.Started.UTC().Format(time.RFC3339)}
	warnings := ""
	if n := len(r.Warnings()); n > 0 {
		warnings = fmt.Sprint(n)
	}
	requests := ""
	if r.Diagnosis != nil {
		requests = fmt.Sprint(r.Diagnosis.Requests)
		s.SystemOut = r.Diagnosis.text()
	}
	for _, p := range [][2]string{{"endpoint", r.Endpoint}, {"spec", r.Spec}, {"mode", r.Mode}, {"seed", seedText(r.Seed)}, {"warnings", warnings}, {"diagnosis-requests", requests}} {
		if p[1] != "" {
			s.Properties = append(s.Properties, junit.Property{Name: p[0], Value: p[1]})
		}
	}
	if r.Error != "" {
		s.Add(junit.Case{ClassName: "hookmock.verify", Name: "contract", Time: "0", Error: &junit.Message{Message: r.Error, Type: "contract"}})
	}
	for _, res := range r.Results {
		c := junit.Case{ClassName: "hookmock.verify." + res.Clause, Name: strings.TrimSpace(res.Event + " " + res.Case), Time: seconds(evidenceTime(res))}
		detail := evidenceText(res)
		switch res.Verdict {
		case VerdictFail:
			c.Failure = &junit.Message{Message: res.Reason, Type: res.Clause, Text: detail}
			// The diagnosis is the note on the clause, on each failed case.
			c.SystemOut = findingsText(r.Diagnosis.For(res.Clause))
		case VerdictSkip:
			c.Skipped = &junit.Message{Message: res.Reason}
		case VerdictWarn:
			// A warning passes: CI must not count it, but shows it.
			c.Properties = &junit.Properties{Property: []junit.Property{{Name: "level", Value: string(VerdictWarn)}, {Name: "warning", Value: res.Reason}}}
			c.SystemOut = "WARN: " + detail
		default:
			c.SystemOut = detail
		}
		s.Add(c)
	}
	return s.Write(w)
}

// evidenceText lists a result's exchanges, one per line.
func evidenceText(res Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", res.Reason)
	for _, ex := range res.Evidence {
		fmt.Fprintf(&b, "- %s\n", exchangeLine(ex))
	}
	return b.String()
}

// exchangeLine is one exchange on a line: what was sent, its id, what
// came back.
func exchangeLine(ex Exchange) string {
	var b strings.Builder
	b.WriteString(ex.Step)
	if ex.EventID != "" {
		fmt.Fprintf(&b, " [id %s]", ex.EventID)
	}
	if ex.Delivery != "" {
		fmt.Fprintf(&b, " [delivery %s]", ex.Delivery)
	}
	fmt.Fprintf(&b, ": %s", got(ex))
	if ex.Body != "" {
		fmt.Fprintf(&b, "; body: %s", ex.Body)
		if ex.BodyTruncated {
			b.WriteString(" (truncated)")
		}
	}
	return b.String()
}

func evidenceTime(res Result) time.Duration {
	var total float64
	for _, ex := range res.Evidence {
		total += ex.LatencyMS
	}
	return time.Duration(total * float64(time.Millisecond))
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

func seedText(seed uint64) string {
	if seed == 0 {
		return ""
	}
	return fmt.Sprint(seed)
}
