package cmd

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/hookmock/hookmock/spec"
)

func newLintCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "lint [--spec FILE]",
		Short: "Check a contract: kin-openapi's document validation and hookmock's keyword audit",
		Long: `Check the contract given with --spec (default: the embedded Daily contract)
with kin-openapi's validation of the whole OpenAPI document, and with
hookmock's audit of schema keywords it would not honour. Every finding
is printed, one per line: file:line (JSON pointer): message [rule], the
rule being openapi, keyword or load.

Exit codes: 0 no finding, 1 some finding, 2 the file cannot be read.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := a.lint(cmd.Context(), a.stdout)
			if err != nil {
				return err
			}
			if n > 0 {
				fmt.Fprintf(a.stderr, "%d problems\n", n)
				return errFailed
			}
			fmt.Fprintln(a.stderr, "no problems")
			return nil
		},
	}
}

// lint prints the findings on --spec and returns how many there were.
func (a *app) lint(ctx context.Context, w io.Writer) (int, error) {
	path := a.specPath
	if path == "" {
		path = spec.EmbeddedName(spec.DefaultContract)
	}
	ps, err := spec.LintFile(ctx, path)
	if err != nil {
		return 0, usageErr("%v", err)
	}
	for _, p := range ps {
		fmt.Fprintf(w, "%s [%s]\n", p, p.Rule)
	}
	return len(ps), nil
}
