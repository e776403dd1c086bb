package cmd

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/hookmock/hookmock/contracts/gate"
)

func newGateCmd(a *app) *cobra.Command {
	var format, out, consumersDir, eventsDir, policyPath string
	c := &cobra.Command{
		Use:   "gate <old> <new>",
		Short: "Judge a contract change: breaking or not, and is the version bump big enough",
		Long: `Compare two versions of a webhook contract and check their version bumps.

<old> and <new> are files, embedded:NAME (e.g. embedded:daily/calltransfer.yaml),
or git:REF:PATH (PATH as committed at REF in the current repository).

A webhook body flows provider → consumer and is judged like an API
response: removing or loosening breaks consumers, adding or tightening does
not. Declared responses flow consumer → provider and get the mirror rules.
The bump info.version needs is the largest any finding needs; each event's
envelope version must cover that event's body changes. Versions 0.y.z: a
breaking change needs a minor bump, anything else a patch bump.

--consumers DIR   consumer contracts (YAML: name, events, reads); the gate
                  says which consumers each breaking change breaks, and
                  fails if it breaks any
--events DIR      recorded old events (*.json, *.ndjson) to validate against
                  the new contract; listed, not failing
--policy FILE     YAML "rules: {rule-id: minor|major|patch|off|…}"

Exit codes: 0 pass; 1 a bump is too small (or breaks a consumer); 2 usage or
load error.

Rules:
` + rulesTable(),
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageErr("gate needs two contracts, <old> and <new>; got %d argument(s)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var pol gate.Policy
			if policyPath != "" {
				p, err := gate.LoadPolicy(policyPath)
				if err != nil {
					return usageErr("--policy: %v", err)
				}
				pol = p
			}
			if !validFormat(format) {
				return usageErr("--format %q: want one of %s", format, strings.Join(gate.Formats, ", "))
			}
			old, new, err := gate.LoadPair(cmd.Context(), args[0], args[1])
			if err != nil {
				return usageErr("%v", err)
			}
			rep := gate.Compare(old, new, pol)
			if consumersDir != "" {
				cs, err := gate.LoadConsumers(consumersDir)
				if err != nil {
					return usageErr("--consumers: %v", err)
				}
				if err := rep.ApplyConsumers(cs, old, new); err != nil {
					return usageErr("--consumers: %v", err)
				}
			}
			if eventsDir != "" {
				rp, err := gate.Replay(new, eventsDir)
				if err != nil {
					return usageErr("--events: %v", err)
				}
				rep.Replay = rp
			}
			var buf bytes.Buffer
			if err := rep.Write(&buf, format); err != nil {
				return usageErr("%v", err)
			}
			if out == "" {
				if _, err := a.stdout.Write(buf.Bytes()); err != nil {
					return err
				}
			} else if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
				return usageErr("--out: %v", err)
			}
			if v := rep.Verdict(); !v.Pass {
				if out != "" || format != "text" {
					for _, why := range v.Reasons {
						fmt.Fprintln(a.stderr, "hookmock gate:", why)
					}
				}
				return errFailed
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&format, "format", "text", "output format: "+strings.Join(gate.Formats, ", "))
	f.StringVar(&out, "out", "", "write the report to this file instead of stdout")
	f.StringVar(&consumersDir, "consumers", "", "directory of consumer contracts (*.yaml)")
	f.StringVar(&eventsDir, "events", "", "directory of recorded events to replay against <new>")
	f.StringVar(&policyPath, "policy", "", "policy file overriding rule levels")
	return c
}

func validFormat(f string) bool {
	for _, x := range gate.Formats {
		if f == x {
			return true
		}
	}
	return false
}

// rulesTable lists the rules for --help, so the policy's vocabulary is
// one command away.
func rulesTable() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for _, r := range gate.Rules() {
		var ims []string
		for _, im := range r.Impacts {
			ims = append(ims, fmt.Sprintf("%s: %s/%s", im.Direction, im.Level, im.Bump))
		}
		fmt.Fprintf(tw, "  %s\t%s\n", r.ID, strings.Join(ims, "; "))
	}
	tw.Flush()
	return b.String()
}
