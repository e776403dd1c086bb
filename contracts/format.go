package contracts

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Formats lists the report formats Write accepts.
var Formats = []string{"text", "json", "junit", "markdown"}

// Write renders the report: text (a table), json, junit or markdown.
func (r Report) Write(w io.Writer, format string) error {
	switch format {
	case "text", "":
		return r.writeText(w)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		// Findings quote `<X-Webhook-Timestamp>.<body>`; a report is not HTML.
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			Passed  bool            `json:"passed"`
			Clauses []ClauseSummary `json:"clauses"`
			Report
		}{r.Passed(), r.Summary(), r})
	case "junit":
		return r.writeJUnit(w)
	case "markdown", "md":
		return r.writeMarkdown(w)
	}
	return fmt.Errorf("unknown report format %q (want %s)", format, strings.Join(Formats, ", "))
}

// Headline is the report's one-line verdict.
func (r Report) Headline() string {
	if r.Error != "" {
		return "ERROR: " + r.Error
	}
	passed, failed, skipped := r.Counts()
	warned := ""
	if n := len(r.Warnings()); n > 0 {
		warned = fmt.Sprintf(" (%d with a warning)", n)
	}
	cases := fmt.Sprintf("%d cases passed%s, %d failed, %d skipped", passed, warned, failed, skipped)
	if fc := r.FailedClauses(); len(fc) > 0 {
		return fmt.Sprintf("FAIL: %d of %d clauses failed (%s); %s", len(fc), len(registry), strings.Join(fc, ", "), cases)
	}
	if wc := r.WarnedClauses(); len(wc) > 0 {
		return fmt.Sprintf("PASS with warnings (%s): %s", strings.Join(wc, ", "), cases)
	}
	return "PASS: " + cases
}

// subject names what was verified.
func (r Report) subject() string {
	s := r.Consumer
	if r.Endpoint != "" {
		s += " → " + r.Endpoint
	}
	return s
}

// context says against what, with what seed, in how long.
func (r Report) context() string {
	parts := []string{r.Mode}
	if r.Spec != "" {
		parts = append(parts, "provider contract "+r.Spec)
	}
	if r.Seed != 0 {
		parts = append(parts, fmt.Sprintf("seed %d", r.Seed))
	}
	parts = append(parts, ms(r.DurationMS))
	return strings.Join(parts, "; ")
}

func (r Report) writeText(w io.Writer) error {
	o := &errWriter{w: w}
	o.printf("hookmock verify: %s\n%s\n\n", r.subject(), r.context())
	if r.Error == "" {
		tw := tabwriter.NewWriter(o, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CLAUSE\tEVENT\tCASE\tVERDICT\tEVIDENCE")
		for _, res := range r.Results {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", res.Clause, orDash(res.Event), res.Case, verdictWord(res.Verdict), evidenceLine(res))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		o.printf("\n")
		if r.Diagnosis != nil {
			o.printf("%s\n", r.Diagnosis.text())
		}
	}
	o.printf("%s\n", r.Headline())
	return o.err
}

// evidenceLine is a result's evidence on one line: the reason, and for a
// failure or a warning the body the consumer answered with.
func evidenceLine(res Result) string {
	line := res.Reason
	if res.Verdict != VerdictFail && res.Verdict != VerdictWarn {
		return line
	}
	for i := len(res.Evidence) - 1; i >= 0; i-- {
		if b := res.Evidence[i].Body; b != "" {
			return line + "; body: " + excerpt(b, 60)
		}
	}
	return line
}

func verdictWord(v Verdict) string {
	switch v {
	case VerdictFail:
		return "FAIL"
	case VerdictWarn:
		return "WARN"
	}
	return string(v)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// errWriter keeps the first write error so renderers can print freely.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
