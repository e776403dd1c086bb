package contracts

import (
	"io"
	"strings"
)

// writeMarkdown renders a PR comment: the verdict, one row per clause, the
// failures with their evidence, and every case folded away.
func (r Report) writeMarkdown(w io.Writer) error {
	o := &errWriter{w: w}
	icon, word := "✅", "PASS"
	switch {
	case !r.Passed():
		icon, word = "❌", "FAIL"
	case len(r.Warnings()) > 0:
		icon, word = "⚠️", "PASS with warnings"
	}
	o.printf("## %s hookmock verify %s: %s\n\n", icon, word, mdCell(r.Consumer))
	o.printf("%s\n\n%s\n\n", mdCell(r.subject()), mdCell(r.context()))
	if r.Error != "" {
		o.printf("**The contract could not be verified:** %s\n", mdCell(r.Error))
		return o.err
	}
	o.printf("| clause | verdict | cases | failed | warned | promise |\n|---|---|---|---|---|---|\n")
	for _, s := range r.Summary() {
		o.printf("| `%s` | %s | %d | %d | %d | %s |\n", s.ID, verdictMark(s.Verdict), s.Cases, s.Failed, s.Warned, mdCell(s.Description))
	}
	o.mdCases("Failures", r.Failures())
	o.mdCases("Warnings", r.Warnings())
	if r.Diagnosis != nil {
		r.Diagnosis.writeMarkdown(o)
	}
	o.printf("\n<details><summary>All %d cases</summary>\n\n| clause | event | case | verdict | evidence |\n|---|---|---|---|---|\n", len(r.Results))
	for _, res := range r.Results {
		o.printf("| `%s` | %s | %s | %s | %s |\n", res.Clause, mdCell(orDash(res.Event)), mdCell(res.Case), verdictMark(res.Verdict), mdCell(evidenceLine(res)))
	}
	o.printf("\n</details>\n\n%s\n", r.Headline())
	return o.err
}

// mdCases lists failed or warned cases with what happened and the body.
func (o *errWriter) mdCases(title string, rs []Result) {
	if len(rs) == 0 {
		return
	}
	o.printf("\n### %s\n\n| clause | event | case | what happened | response body |\n|---|---|---|---|---|\n", title)
	for _, f := range rs {
		body := ""
		for _, ex := range f.Evidence {
			if ex.Body != "" {
				body = "`" + strings.ReplaceAll(excerpt(ex.Body, 80), "`", "'") + "`"
			}
		}
		o.printf("| `%s` | %s | %s | %s | %s |\n", f.Clause, mdCell(orDash(f.Event)), mdCell(f.Case), mdCell(f.Reason), mdCell(body))
	}
}

func verdictMark(v Verdict) string {
	switch v {
	case VerdictPass:
		return "✅ pass"
	case VerdictFail:
		return "❌ **fail**"
	case VerdictWarn:
		return "⚠️ warn"
	}
	return "➖ skip"
}

// mdCell keeps text inside one table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\r", "")
	return strings.ReplaceAll(s, "\n", "<br>")
}
