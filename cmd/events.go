package cmd

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/hookmock/hookmock/spec"
)

// eventInfo is the machine-readable line of `hookmock events --json`.
type eventInfo struct {
	Name        string         `json:"name"`
	Type        string         `json:"type,omitempty"`
	Version     string         `json:"version,omitempty"`
	Method      string         `json:"method"`
	Direction   spec.Direction `json:"direction"`
	ContentType string         `json:"contentType,omitempty"`
	Summary     string         `json:"summary"`
	Examples    int            `json:"examples"`
}

func newEventsCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "events",
		Short: "List the contract's webhook events with their versions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.loadSpec(spec.DeferCompile())
			if err != nil {
				return err
			}
			infos := make([]eventInfo, len(s.Events))
			for i, e := range s.Events {
				infos[i] = eventInfo{Name: e.Name, Type: e.Type, Version: e.Version, Method: e.Method,
					Direction: e.Direction, ContentType: e.ContentType, Summary: oneLine(e.Summary, e.Description), Examples: len(e.Examples)}
			}
			if asJSON {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"title": s.Title, "version": s.Version, "openapi": s.OpenAPI, "events": infos})
			}
			fmt.Fprintf(a.stdout, "%s %s (OpenAPI %s, %d events)\n", s.Title, s.Version, s.OpenAPI, len(s.Events))
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "EVENT\tVERSION\tSUMMARY")
			for _, in := range infos {
				v := in.Version
				if v == "" {
					v = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", in.Name, v, in.Summary)
			}
			return tw.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	return c
}

// oneLine picks the first line of the summary (or description), trimmed to
// a width that fits a terminal table.
func oneLine(texts ...string) string {
	for _, t := range texts {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if i := strings.IndexByte(t, '\n'); i >= 0 {
			t = t[:i]
		}
		if r := []rune(t); len(r) > 100 {
			t = string(r[:99]) + "…"
		}
		return t
	}
	return ""
}
