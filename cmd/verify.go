package cmd

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hookmock/hookmock/contracts"
	"github.com/hookmock/hookmock/signing"
)

// verifyFlags are the command line's overrides of a consumer contract.
type verifyFlags struct {
	contract, to, secret, sign, basicAuth string
	events                                []string
	deadline, timeout                     time.Duration
	seed                                  uint64
	report, out, deliveries               string
	schemaViolations                      string
}

func newVerifyCmd(a *app) *cobra.Command {
	var f verifyFlags
	c := &cobra.Command{
		Use:   "verify (--contract consumer.yaml | --to URL --secret B64) [--deliveries FILE]",
		Short: "Check that a consumer keeps its contract, with evidence, live or from recorded deliveries",
		Long: `Play the provider against a live consumer and check each clause of its
consumer contract, or (with --deliveries) judge deliveries already recorded
by "hookmock serve" (the JSON of GET /_mock/deliveries).

Clauses:
` + clauseList() + `
Prints a table (clause, event, case, verdict, evidence: status, latency,
body excerpt). --report json|junit|markdown writes a report for CI to --out
(or to standard output instead of the table). After a failure, a diagnosis
names the consumer's mistake (an HMAC over the body alone, a hex digest, a
rejected probe...) with its evidence and a fix, sending at most 10 extra
requests, each listed. Flags override the contract;
without --contract, --to and --secret verify with the defaults.

Exit codes: 0 no clause failed (a warning, such as a stale timestamp
accepted under Daily's scheme, which documents no replay window, does not
fail), 1 a clause failed, 2 usage or load error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.report != "" && f.report != "text" && !slices.Contains(contracts.Formats, f.report) {
				return usageErr("--report %q: want one of %s", f.report, strings.Join(contracts.Formats, ", "))
			}
			ct, err := a.verifyContract(cmd, &f)
			if err != nil {
				return err
			}
			var rep contracts.Report
			if f.deliveries != "" {
				log, err := contracts.ReadDeliveryLog(f.deliveries)
				if err != nil {
					return usageErr("--deliveries: %v", err)
				}
				rep = contracts.VerifyDeliveries(ct, log)
			} else {
				rep = contracts.Verify(cmd.Context(), ct)
			}
			if err := a.writeVerifyReport(&rep, f); err != nil {
				return err
			}
			switch {
			case rep.Error != "":
				return usageErr("%s", rep.Error)
			case !rep.Passed():
				return errFailed
			}
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.contract, "contract", "", "consumer contract (YAML); without it --to and --secret verify with the defaults")
	fl.StringVar(&f.to, "to", "", "the consumer's webhook URL (overrides the contract's endpoint)")
	fl.StringVar(&f.secret, "secret", "", "signing secret: base64 hmac (daily) or whsec_… (standard)")
	fl.StringVar(&f.sign, "sign", "", "signing scheme: daily or standard (default: the contract's, else daily)")
	fl.StringVar(&f.basicAuth, "basic-auth", "", "send Authorization: Basic <value>, as Daily does for basicAuth")
	fl.StringArrayVar(&f.events, "event", nil, "an event the consumer takes (repeatable; default: the contract's, else all)")
	fl.DurationVar(&f.deadline, "deadline", 0, "how fast a success must come (default: the contract's, else 5s)")
	fl.DurationVar(&f.timeout, "timeout", 0, "bound on every request (default: the contract's, else twice the deadline)")
	fl.Uint64Var(&f.seed, "seed", 0, "generation seed (default: the contract's, else random, printed in the report)")
	fl.StringVar(&f.report, "report", "", "also write a report: json, junit or markdown")
	fl.StringVar(&f.out, "out", "", "file for --report (default: standard output, instead of the table)")
	fl.StringVar(&f.schemaViolations, "schema-violations", "", "answer wanted to schema-violating events: reject (4xx), accept (success) or either (default: the contract's, else either)")
	fl.StringVar(&f.deliveries, "deliveries", "", "judge recorded deliveries (GET /_mock/deliveries JSON) instead of a live consumer")
	return c
}

// verifyContract loads --contract (or starts from the defaults) and
// applies the flags; every problem is a usage error.
func (a *app) verifyContract(cmd *cobra.Command, f *verifyFlags) (*contracts.Contract, error) {
	ct := &contracts.Contract{Name: "consumer"}
	if f.contract != "" {
		data, err := os.ReadFile(f.contract)
		if err != nil {
			return nil, usageErr("--contract: %v", err)
		}
		if ct, err = contracts.ParseContract(f.contract, data); err != nil {
			return nil, usageErr("--contract: %v", err)
		}
	} else if f.to == "" && f.deliveries == "" {
		return nil, usageErr("give --contract FILE, or --to URL (with --secret) for a live consumer, or --deliveries FILE")
	}
	if f.to != "" {
		ct.Endpoint = f.to
		if f.contract == "" {
			if u, err := url.Parse(f.to); err == nil && u.Host != "" {
				ct.Name = u.Host
			}
		}
	}
	if a.specPath != "" {
		s, err := a.loadSpec()
		if err != nil {
			return nil, err
		}
		ct.Spec = s
	}
	if f.sign != "" {
		scheme, err := signing.ParseScheme(f.sign)
		if err != nil {
			return nil, usageErr("--sign: %v", err)
		}
		ct.Signing.Scheme = scheme
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&ct.Signing.Secret, f.secret)
	set(&ct.Signing.BasicAuth, f.basicAuth)
	if len(f.events) > 0 {
		ct.Events = f.events
	}
	flags := cmd.Flags()
	if flags.Changed("deadline") {
		ct.Deadline = f.deadline
	}
	if flags.Changed("timeout") {
		ct.Timeout = f.timeout
	}
	if flags.Changed("seed") {
		ct.Seed = f.seed
	}
	if f.schemaViolations != "" {
		e, err := contracts.ParseExpectation(f.schemaViolations)
		if err != nil {
			return nil, usageErr("--schema-violations: %v", err)
		}
		ct.Clauses.SchemaViolations.Expect = e
	}
	if err := ct.Resolve(); err != nil {
		return nil, usageErr("%v", err)
	}
	return ct, nil
}

// writeVerifyReport prints the table, and the --report where it goes.
func (a *app) writeVerifyReport(rep *contracts.Report, f verifyFlags) error {
	if f.report == "" || f.report == "text" || f.out != "" {
		if err := rep.Write(a.stdout, "text"); err != nil {
			return err
		}
	}
	if f.report == "" || f.report == "text" {
		return nil
	}
	var w io.Writer = a.stdout
	if f.out != "" {
		file, err := os.Create(f.out)
		if err != nil {
			return usageErr("--out: %v", err)
		}
		defer file.Close()
		w = file
	}
	if err := rep.Write(w, f.report); err != nil {
		return fmt.Errorf("writing the %s report: %w", f.report, err)
	}
	return nil
}

// clauseList is the help text's list of clauses.
func clauseList() string {
	var b strings.Builder
	for _, c := range contracts.Clauses() {
		fmt.Fprintf(&b, "  %-26s %s\n", c.ID, c.Description)
	}
	return b.String()
}
