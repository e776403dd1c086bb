package cmd

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/hookmock/hookmock/spec"
)

// eventInfo is the machine-readable line of `hookmock events --json`.
type eventInfo struct {
	Name        string         `json:"name"`
	Family      string         `json:"family"`
	Type        string         `json:"type,omitempty"`
	Version     string         `json:"version,omitempty"`
	Method      string         `json:"method"`
	Direction   spec.Direction `json:"direction"`
	ContentType string         `json:"contentType,omitempty"`
	Summary     string         `json:"summary"`
	Examples    int            `json:"examples"`
}

func newEventsCmd(a *app) *cobra.Command {
	var (
		asJSON bool
		family string
	)
	c := &cobra.Command{
		Use:   "events",
		Short: "List the contract's webhook events by family, with their versions",
		Long: `List the contract's webhook events, grouped by family: the part of the
event type before the first dot (recording for recording.started).
--family NAME lists one family only.

Exit codes: 0 ok, 2 usage error, unreadable contract or unknown family.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.loadSpec(spec.DeferCompile())
			if err != nil {
				return err
			}
			families := s.Families()
			if family != "" && !slices.Contains(families, family) {
				return usageErr("--family %q: %s has no such family (families: %s)", family, s.Source, strings.Join(families, ", "))
			}
			var infos []eventInfo
			for _, e := range s.Events {
				if family != "" && e.Family() != family {
					continue
				}
				infos = append(infos, eventInfo{Name: e.Name, Family: e.Family(), Type: e.Type, Version: e.Version, Method: e.Method,
					Direction: e.Direction, ContentType: e.ContentType, Summary: oneLine(e.Summary, e.Description), Examples: len(e.Examples)})
			}
			// Grouped by family, then by name: a stable order for a
			// table and for scripts alike.
			slices.SortStableFunc(infos, func(x, y eventInfo) int { return strings.Compare(x.Family, y.Family) })
			if asJSON {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"title": s.Title, "version": s.Version, "openapi": s.OpenAPI, "families": families, "events": infos})
			}
			fmt.Fprintf(a.stdout, "%s %s (OpenAPI %s, %d events in %d families)\n", s.Title, s.Version, s.OpenAPI, len(s.Events), len(families))
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			for i, in := range infos {
				if i == 0 || infos[i-1].Family != in.Family {
					fmt.Fprintf(tw, "\n%s\n", in.Family)
				}
				v := in.Version
				if v == "" {
					v = "-"
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\n", in.Name, v, in.Summary)
			}
			return tw.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	c.Flags().StringVar(&family, "family", "", "list only the events of this family (e.g. recording)")
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
