package gate

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hookmock/hookmock/contracts/junit"
)

// Formats lists the output formats Write accepts.
var Formats = []string{"text", "json", "markdown", "junit"}

// Write renders the report in a format: text, json, markdown (a PR
// comment) or junit.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case "text", "":
		return r.writeText(w)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Verdict Verdict `json:"verdict"`
			*Report
		}{r.Verdict(), r})
	case "markdown", "md":
		return r.writeMarkdown(w)
	case "junit":
		return r.writeJUnit(w)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// errWriter keeps the first write error so renderers can print freely.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func (r *Report) writeText(w io.Writer) error {
	o := &errWriter{w: w}
	o.printf("hookmock gate %s\n  old: %s\n  new: %s\n%s\n", r.headline(), r.Old.Source, r.New.Source, r.countLine())
	for i := range r.Findings {
		f := &r.Findings[i]
		subject := ""
		if f.Part == PartBody || f.Part == PartResponse || f.Part == PartHeader {
			subject = " " + f.Subject()
		}
		o.printf("\n%-12s %s  %s%s\n  %s\n", strings.ToUpper(f.Level.String()), f.Rule, eventLabel(f), subject, f.Message)
		if len(f.Paths) > 0 {
			o.printf("  at:  %s\n", shortPaths(f.Paths))
		}
		o.printf("  old: %s\n  new: %s\n", f.OldWhere, f.NewWhere)
		if len(f.Consumers) > 0 {
			o.printf("  breaks: %s\n", strings.Join(f.Consumers, ", "))
		}
	}
	o.printf("\nversion checks:\n")
	for _, c := range r.Checks {
		o.printf("  %-10s %s: %s\n", c.Status, c.Subject(), c.Message)
	}
	if r.Consumers != nil {
		o.printf("\nconsumers:\n")
		for _, c := range r.Consumers {
			state := "safe"
			if c.Broken {
				state = fmt.Sprintf("BROKEN by %d change(s)", len(c.Findings))
			}
			o.printf("  %s (%s): %s\n", c.Name, c.Source, state)
		}
	}
	if rp := r.Replay; rp != nil {
		o.printf("\nreplay: %d file(s), %d event(s), %d rejected by the new contract\n", rp.Files, rp.Events, rp.Invalid())
		for _, f := range rp.Failures {
			o.printf("  %s[%d] (line %d) %s: %s\n", f.File, f.Index, f.Line, pathOrRoot(f.Pointer), f.Message)
		}
	}
	v := r.Verdict()
	if v.Pass {
		o.printf("\nverdict: PASS\n")
	} else {
		o.printf("\nverdict: FAIL\n")
		for _, why := range v.Reasons {
			o.printf("  - %s\n", why)
		}
	}
	return o.err
}

// mdCell makes text safe inside a Markdown table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// mdCode puts a pointer in a code span; pointers never hold backticks
// that matter, and a stray one is replaced rather than breaking the table.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	return "`" + mdCell(strings.ReplaceAll(s, "`", "'")) + "`"
}

func (r *Report) writeMarkdown(w io.Writer) error {
	o := &errWriter{w: w}
	v := r.Verdict()
	mark := "✅"
	if !v.Pass {
		mark = "❌"
	}
	o.printf("## %s hookmock gate %s\n\n", mark, mdCell(r.headline()))
	o.printf("%s → %s: %s.\n\n", mdCode(r.Old.Source), mdCode(r.New.Source), r.countLine())
	if !v.Pass {
		for _, why := range v.Reasons {
			o.printf("- **%s**\n", mdCell(why))
		}
		o.printf("\n")
	}
	o.printf("| Version | Old | New | Needed | Actual | Status |\n|---|---|---|---|---|---|\n")
	for _, c := range r.Checks {
		o.printf("| %s | %s | %s | %s | %s | %s |\n", mdCell(c.Subject()), mdCode(c.Old), mdCode(c.New), c.Required, c.Actual, c.Status)
	}
	if len(r.Findings) > 0 {
		o.printf("\n### Findings\n\n| Level | Rule | Event | Change | Old | New | Breaks |\n|---|---|---|---|---|---|---|\n")
		// Breaking first: the reviewer reads top-down.
		idx := make([]int, len(r.Findings))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return r.Findings[idx[a]].Level > r.Findings[idx[b]].Level })
		for _, i := range idx {
			f := &r.Findings[i]
			change := f.Subject() + ": " + f.Message
			if len(f.Paths) > 0 {
				change += " at " + shortPaths(f.Paths)
			}
			o.printf("| %s | `%s` | %s | %s | %s | %s | %s |\n", f.Level, f.Rule, mdCell(eventLabel(f)), mdCell(change),
				mdCode(f.OldPointer), mdCode(f.NewPointer), mdCell(strings.Join(f.Consumers, ", ")))
		}
	}
	if r.Consumers != nil {
		o.printf("\n### Consumers\n\n| Consumer | Can deploy | Breaking changes that reach it |\n|---|---|---|\n")
		for _, c := range r.Consumers {
			ok := "yes"
			if c.Broken {
				ok = "**no**"
			}
			o.printf("| %s | %s | %d |\n", mdCell(c.Name), ok, len(c.Findings))
		}
	}
	if rp := r.Replay; rp != nil {
		o.printf("\n### Replay\n\n%d file(s), %d event(s), %d rejected by the new contract.\n", rp.Files, rp.Events, rp.Invalid())
		if len(rp.Failures) > 0 {
			o.printf("\n| File | Index | Pointer | Message |\n|---|---|---|---|\n")
			for _, f := range rp.Failures {
				o.printf("| %s | %d | %s | %s |\n", mdCell(f.File), f.Index, mdCode(pathOrRoot(f.Pointer)), mdCell(f.Message))
			}
		}
	}
	return o.err
}

// JUnit document: one testsuite, one testcase per version check, finding,
// consumer and replayed-event failure.
func (r *Report) writeJUnit(w io.Writer) error {
	s := junit.Suite{Name: "hookmock gate " + r.Old.Version + " → " + r.New.Version}
	add := s.Add
	for _, c := range r.Checks {
		jc := junit.Case{ClassName: "version", Name: c.Subject(), SystemOut: c.Message}
		if c.Status.Failed() {
			jc.Failure = &junit.Message{Message: c.Message, Type: c.Status.String(), Text: c.Message}
		}
		add(jc)
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		detail := fmt.Sprintf("%s (%s, needs %s)\n%s %s\nold: %s\nnew: %s", f.Message, f.Level, f.Bump, f.Subject(), shortPaths(f.Paths), f.OldWhere, f.NewWhere)
		if len(f.Consumers) > 0 {
			detail += "\nbreaks: " + strings.Join(f.Consumers, ", ")
		}
		jc := junit.Case{ClassName: "finding." + eventLabel(f), Name: f.Rule + " " + f.NewPointer, SystemOut: detail}
		if r.findingFails(f) {
			jc.Failure = &junit.Message{Message: f.Message, Type: f.Rule, Text: detail}
		}
		add(jc)
	}
	for _, c := range r.Consumers {
		jc := junit.Case{ClassName: "consumer", Name: c.Name, SystemOut: c.Source}
		if c.Broken {
			msg := fmt.Sprintf("broken by %d breaking change(s)", len(c.Findings))
			jc.Failure = &junit.Message{Message: msg, Type: "consumer-broken", Text: msg}
		}
		add(jc)
	}
	if rp := r.Replay; rp != nil {
		// Replay is informational (see ReplayResult): its cases pass and
		// carry the failures as output.
		for _, f := range rp.Failures {
			add(junit.Case{ClassName: "replay", Name: fmt.Sprintf("%s[%d] %s", f.File, f.Index, pathOrRoot(f.Pointer)), SystemOut: f.Message})
		}
	}
	return s.Write(w)
}
