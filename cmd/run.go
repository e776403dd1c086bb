// Package cmd is hookmock's command line: a thin layer over the spec,
// generator, mockserver and contracts packages.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/hookmock/hookmock/spec"
)

// Exit codes, shared by every command.
const (
	ExitOK     = 0 // success
	ExitFailed = 1 // a check failed: invalid event, failed clause, breaking change
	ExitUsage  = 2 // bad flags or arguments, or an input that cannot be loaded
)

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErr marks an error as a usage or load error (exit 2).
func usageErr(format string, a ...any) error {
	return &exitError{ExitUsage, fmt.Errorf(format, a...)}
}

// failed reports that a check failed (exit 1) after its output was printed.
var errFailed = &exitError{ExitFailed, errors.New("check failed")}

// app holds what every command shares.
type app struct {
	stdout, stderr io.Writer
	specPath       string
	// strictSpec refuses what lenient loading would read with a warning
	// (--strict, or spec.strict in hookmock.yaml).
	strictSpec bool
	// limits are HOOKMOCK_LIMITS, read when the spec is loaded.
	limits parserLimits
}

// loadSpec loads --spec, or the embedded default contract.
func (a *app) loadSpec(opts ...spec.LoadOption) (*spec.Spec, error) {
	lim, err := readLimits()
	if err != nil {
		return nil, &exitError{ExitUsage, err}
	}
	a.limits = lim
	if a.specPath == "" {
		s, err := spec.Default()
		if err != nil {
			return nil, &exitError{ExitUsage, err}
		}
		return s, nil
	}
	if a.strictSpec {
		opts = append(opts, spec.StrictLoad())
	}
	s, err := spec.LoadFile(a.specPath, append(opts, spec.WithLimits(a.limits.spec))...)
	if err != nil {
		return nil, &exitError{ExitUsage, err}
	}
	printWarnings(a.stderr, s.Warnings())
	return s, nil
}

// commands lists the subcommands; each lives in its own file.
var commands = []func(*app) *cobra.Command{
	newServeCmd,
	newEventsCmd,
	newValidateCmd,
	newLintCmd,
	newTriggerCmd,
	newGenCmd,
	newGateCmd,
	newScenarioCmd,
	newLoadCmd,
	newVerifyCmd,
	newVersionCmd,
	newHealthCmd,
}

// Run executes hookmock with args (without the program name) and returns
// the process exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return RunWithInput(ctx, args, os.Stdin, stdout, stderr)
}

// RunWithInput is Run with an explicit standard input, for tests and embedding.
func RunWithInput(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "hookmock",
		Short: "A fake webhook provider, contract verifier and version gate (Daily calltransfer by default)",
		Long: `hookmock lets you test code that consumes webhooks without the real provider.

Exit codes: 0 ok, 1 a check failed, 2 usage or load error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.Version = ReadBuildInfo().String()
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&a.specPath, "spec", "", "webhook contract (OpenAPI 3.1 `webhooks` or 3.0 `x-webhooks`); default: the embedded Daily contract (1.2.0, all 33 event types)")
	root.PersistentFlags().BoolVar(&a.strictSpec, "strict", false, "refuse a contract whose schemas need lenient reading (3.0 keywords in 3.1, unknown keywords, integers beyond int64 in YAML): exit 2 instead of warnings")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &exitError{ExitUsage, err} })
	for _, c := range commands {
		root.AddCommand(c(a))
	}
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee != errFailed {
			fmt.Fprintln(stderr, "hookmock:", ee.err)
		}
		return ee.code
	}
	// Cobra's own errors (unknown command, bad args) are usage errors.
	fmt.Fprintln(stderr, "hookmock:", err)
	return ExitUsage
}
