package contracts

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

type junitSuite struct {
	XMLName    xml.Name        `xml:"testsuite"`
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// writeJUnit writes one testcase per clause-case: classname is the
// clause, name the event and case, and a failure carries the evidence.
func (r Report) writeJUnit(w io.Writer) error {
	s := junitSuite{Name: "hookmock verify " + r.Consumer, Time: seconds(r.Duration), Timestamp: r.Started.UTC().Format(time.RFC3339)}
	for _, p := range [][2]string{{"endpoint", r.Endpoint}, {"spec", r.Spec}, {"mode", r.Mode}, {"seed", seedText(r.Seed)}} {
		if p[1] != "" {
			s.Properties = append(s.Properties, junitProperty{p[0], p[1]})
		}
	}
	if r.Error != "" {
		s.Tests, s.Errors = 1, 1
		s.Cases = []junitCase{{ClassName: "hookmock.verify", Name: "contract", Time: "0", Error: &junitMessage{Message: r.Error, Type: "contract"}}}
	}
	for _, res := range r.Results {
		c := junitCase{ClassName: "hookmock.verify." + res.Clause, Name: strings.TrimSpace(res.Event + " " + res.Case), Time: seconds(evidenceTime(res))}
		detail := evidenceText(res)
		switch res.Verdict {
		case VerdictFail:
			s.Failures++
			c.Failure = &junitMessage{Message: res.Reason, Type: res.Clause, Text: detail}
		case VerdictSkip:
			s.Skipped++
			c.Skipped = &junitMessage{Message: res.Reason}
		default:
			c.SystemOut = detail
		}
		s.Tests++
		s.Cases = append(s.Cases, c)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(s); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// evidenceText lists a result's exchanges, one per line.
func evidenceText(res Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", res.Reason)
	for _, ex := range res.Evidence {
		fmt.Fprintf(&b, "- %s", ex.Step)
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
		b.WriteString("\n")
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
