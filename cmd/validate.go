package cmd

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/hookmock/hookmock/spec"
)

func newValidateCmd(a *app) *cobra.Command {
	var (
		strict    bool
		eventName string
		lint      bool
	)
	c := &cobra.Command{
		Use:   "validate [FILE|-]...",
		Short: "Validate event JSON (object, array or NDJSON) against the contract",
		Long: `Validate events against the contract. Each input is a JSON object, a JSON
array of events, or NDJSON. The event is found by its "type" value, or
named with --event. Prints one line per violation: file, index, JSON
pointer, message. Reads stdin when no file (or "-") is given.

--lint first checks the contract itself, as hookmock lint does, and
counts each finding as a failure.

Exit codes: 0 all valid, 1 some invalid or malformed, 2 usage or load error.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			// Here --strict is strict about events and the contract alike.
			a.strictSpec = a.strictSpec || strict
			lintProblems := 0
			if lint {
				n, err := a.lint(cmd.Context(), a.stderr)
				if err != nil {
					return err
				}
				lintProblems = n
			}
			s, err := a.loadSpec()
			if err != nil {
				return err
			}
			var fixed *spec.Event
			if eventName != "" {
				e, ok := s.Lookup(eventName)
				if !ok {
					return usageErr("--event %q: no such event in %s (have %v)", eventName, s.Source, s.EventNames())
				}
				fixed = e
			}
			if len(args) == 0 {
				args = []string{"-"}
			}
			var opts []spec.ValidateOption
			if strict {
				opts = append(opts, spec.Strict())
			}
			total, bad := 0, 0
			for _, name := range args {
				data, err := readInput(cmd.InOrStdin(), name)
				if err != nil {
					return usageErr("%v", err)
				}
				n, b := a.validateInput(s, fixed, name, data, opts)
				total += n
				bad += b
			}
			fmt.Fprintf(a.stderr, "%d events, %d invalid\n", total, bad)
			if lint {
				fmt.Fprintf(a.stderr, "contract: %d problems\n", lintProblems)
			}
			if bad > 0 || lintProblems > 0 {
				return errFailed
			}
			return nil
		},
	}
	c.Flags().BoolVar(&strict, "strict", false, "also report properties the contract does not declare, and load the contract strictly")
	c.Flags().StringVar(&eventName, "event", "", "validate every input as this event (name or type)")
	c.Flags().BoolVar(&lint, "lint", false, "also lint the contract (see hookmock lint); a finding fails the run")
	return c
}

func readInput(stdin io.Reader, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(name)
}

// validateInput validates every event of one input and prints violations.
func (a *app) validateInput(s *spec.Spec, fixed *spec.Event, name string, data []byte, opts []spec.ValidateOption) (total, bad int) {
	if name == "-" {
		name = "<stdin>"
	}
	values, err := spec.SplitEvents(data)
	for i, v := range values {
		total++
		where := fmt.Sprintf("%s[%d] (line %d)", name, i, v.Line)
		e := fixed
		if e == nil {
			e = eventFor(s, v.Value)
			if e == nil {
				bad++
				fmt.Fprintf(a.stdout, "%s %s: cannot tell which event this is: no known \"type\" value; use --event\n", where, "/type")
				continue
			}
		}
		vs := e.ValidateValue(v.Value, opts...)
		if len(vs) > 0 {
			bad++
		}
		for _, vi := range vs {
			p := vi.Pointer
			if p == "" {
				p = "/"
			}
			fmt.Fprintf(a.stdout, "%s %s: %s\n", where, p, vi.Message)
		}
	}
	if err != nil {
		total++
		bad++
		fmt.Fprintf(a.stdout, "%s[%d]: %v\n", name, len(values), err)
	}
	return total, bad
}

func eventFor(s *spec.Spec, v any) *spec.Event {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	t, _ := obj["type"].(string)
	e, _ := s.EventByType(t)
	return e
}
