package contracts

import (
	"fmt"
	"strings"
)

// findingsText renders findings for a log or a JUnit system-out: the
// finding, its evidence, its fix.
func findingsText(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "DIAGNOSIS %s [%s]: %s\n", f.Clause, f.Mistake, f.Says)
		for _, ex := range f.Evidence {
			fmt.Fprintf(&b, "  evidence: %s\n", exchangeLine(ex))
		}
		fmt.Fprintf(&b, "  fix: %s\n", f.Fix)
	}
	return b.String()
}

// requestsLine says how many extra requests the diagnosis sent.
func (d *Diagnosis) requestsLine() string {
	noun := "requests"
	if d.Requests == 1 {
		noun = "request"
	}
	return fmt.Sprintf("diagnosis: %d extra %s sent (at most %d)", d.Requests, noun, d.Limit)
}

// text is the whole diagnosis: the findings, then every extra request.
func (d *Diagnosis) text() string {
	var b strings.Builder
	b.WriteString(d.requestsLine() + "\n")
	b.WriteString(findingsText(d.Findings))
	if d.Unexplained != "" {
		fmt.Fprintf(&b, "  %s\n", d.Unexplained)
	}
	for i, ex := range d.Sent {
		fmt.Fprintf(&b, "  request %d: %s\n", i+1, exchangeLine(ex))
	}
	return b.String()
}

// writeMarkdown renders the diagnosis as a table, with the extra requests
// folded away.
func (d *Diagnosis) writeMarkdown(o *errWriter) {
	o.printf("\n### Diagnosis\n\n%s\n\n| clause | finding | evidence | fix |\n|---|---|---|---|\n", mdCell(d.requestsLine()))
	for _, f := range d.Findings {
		ev := make([]string, len(f.Evidence))
		for i, ex := range f.Evidence {
			ev[i] = exchangeLine(ex)
		}
		o.printf("| `%s` | %s | %s | %s |\n", f.Clause, mdCell(f.Says), mdCell(strings.Join(ev, "\n")), mdCell(f.Fix))
	}
	if d.Unexplained != "" {
		o.printf("\n%s\n", mdCell(d.Unexplained))
	}
	if len(d.Sent) > 0 {
		o.printf("\n<details><summary>%d extra requests</summary>\n\n", len(d.Sent))
		for i, ex := range d.Sent {
			o.printf("%d. %s\n", i+1, mdCell(exchangeLine(ex)))
		}
		o.printf("\n</details>\n")
	}
}
