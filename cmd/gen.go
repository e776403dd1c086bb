package cmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/generator/seeds"
	"github.com/hookmock/hookmock/spec"
)

func newGenCmd(a *app) *cobra.Command {
	var (
		count     int
		seed      uint64
		sets      []string
		invalid   string
		pretty    bool
		now       string
		integerTS bool
		docForms  bool
		explain   bool
	)
	c := &cobra.Command{
		Use:   "gen <event>",
		Short: "Generate valid (or deliberately invalid) events as NDJSON",
		Long: `Generate events of the contract, one JSON object per line. <event> is the
event's name or its type value. Every event is validated before it is
printed.

Exact events (valid by construction: every keyword they meet is
honoured as they are generated) need no second validation, and the mock
server skips it; gen validates them all the same. --explain prints, for
<event> or, without it, for every event, whether it is exact and if not
the first keyword (file:line and JSON pointer) that keeps it from being.

Output is reproducible: the same contract, event, --seed, --now and --set
give the same bytes. Event i of -n uses seed+i and a clock one second
later than event i-1. Without --seed a random seed is chosen and printed
to stderr as "seed: N". Timestamps come from --now, which defaults to
1770005095 (2026-02-02T04:04:55Z, the moment of Daily's own examples);
--now=now uses the wall clock and prints its reading to stderr.

--set KEY=VALUE overrides a value after generation: KEY is a JSON pointer
(/payload/room) or a dotted path (payload.room); VALUE is JSON when it is
true, false, null, a number, an object or an array, a string otherwise
("123" in quotes forces a string). Daily's id and event_ts follow
overrides of payload.session_id and payload.timestamp.

--invalid[=KIND] prints an event that breaks the contract, and describes
the violation on stderr. KIND is missing-required, wrong-type, pattern,
enum, malformed-json or random (the default).

Exit codes: 0 ok, 1 generation failed, 2 usage error: an override the
contract refuses or whose key it does not declare (write +payload.x=… to
add a field on purpose), unknown event, a KIND the contract has no place
for, or an event schema with no finite instance or none within
generator.maxEventBytes.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if explain {
				return cobra.MaximumNArgs(1)(cmd, args)
			}
			return cobra.ExactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if count < 1 {
				return usageErr("-n must be at least 1, got %d", count)
			}
			s, err := a.loadSpec()
			if err != nil {
				return err
			}
			overrides, err := parseSets(sets)
			if err != nil {
				return err
			}
			var kind generator.Kind
			if cmd.Flags().Changed("invalid") {
				if kind, err = generator.ParseKind(invalid); err != nil {
					return usageErr("--invalid: %v", err)
				}
			}
			start, err := parseNow(now)
			if err != nil {
				return usageErr("--now: %v", err)
			}
			if now == "now" {
				fmt.Fprintf(a.stderr, "now: %d\n", start.Unix())
			}
			clock := clock.NewVirtual(start)
			g := generator.New(s, a.genOptions(clock, docForms, integerTS)...)
			if explain {
				return a.explain(g, args)
			}
			if _, err := g.Lookup(args[0]); err != nil {
				return usageErr("%v", err)
			}
			announce := func() {}
			if !cmd.Flags().Changed("seed") {
				seed = seeds.Random()
				announce = func() { fmt.Fprintf(a.stderr, "seed: %d\n", seed) }
			}
			return a.generate(g, clock, generator.Request{Event: args[0], Seed: seed, Set: overrides, Invalid: kind}, count, pretty, announce)
		},
	}
	f := c.Flags()
	f.IntVarP(&count, "count", "n", 1, "number of events")
	f.Uint64Var(&seed, "seed", 0, "seed of the first event (default: random, printed to stderr)")
	f.StringArrayVar(&sets, "set", nil, "override a declared field: KEY=VALUE; +KEY=VALUE adds an undeclared one (repeatable)")
	f.StringVar(&invalid, "invalid", "", "print contract-breaking events of this kind (default random)")
	f.Lookup("invalid").NoOptDefVal = string(generator.RandomKind)
	f.BoolVar(&pretty, "pretty", false, "indent the JSON")
	f.StringVar(&now, "now", "", "clock reading of the first event: Unix seconds, RFC 3339, or \"now\" (default 1770005095)")
	f.BoolVar(&integerTS, "integer-timestamp", false, "write Daily's payload.timestamp as an integer instead of a digit string")
	f.BoolVar(&explain, "explain", false, "print whether <event> (default: every event) is exact, valid by construction, and if not why, instead of events")
	f.BoolVar(&docForms, "documented-forms", false, "use Daily's documented forms where its examples differ: integer timestamps, recording.error action clourd-recording-err, snake_case transcript info keys")
	return c
}

// genOptions configures gen's generator.
func (a *app) genOptions(c *clock.Virtual, docForms, integerTS bool) []generator.Option {
	// Belt and braces: a handful of events is worth validating whatever
	// their plan says.
	opts := append([]generator.Option{generator.WithClock(c), generator.WithValidateAll()}, a.limits.generatorOptions()...)
	if docForms {
		opts = append(opts, generator.WithDocumentedForms())
	}
	if integerTS {
		opts = append(opts, generator.WithIntegerTimestamps())
	}
	return opts
}

// generate prints count events. announce runs once the first one is made,
// so that a usage error is not preceded by a seed to replay.
func (a *app) generate(g *generator.Generator, clock *clock.Virtual, req generator.Request, count int, pretty bool, announce func()) error {
	first := req.Seed
	for i := range count {
		req.Seed = first + uint64(i)
		res, err := g.Generate(req)
		if err != nil {
			// A --set the contract refuses, or whose key it does not
			// declare, is bad input like any other.
			var oe *generator.OverrideError
			var ke *generator.KeyError
			if errors.As(err, &oe) || errors.As(err, &ke) {
				return &exitError{ExitUsage, err}
			}
			if errors.Is(err, generator.ErrNoLocation) {
				return usageErr("--invalid: %v", err)
			}
			var pe *generator.PlanError
			if errors.As(err, &pe) {
				// The contract asks for what cannot be generated: a load
				// error, like a schema that does not compile.
				return usageErr("%v", err)
			}
			return &exitError{ExitFailed, err}
		}
		if i == 0 {
			announce()
		}
		out := res.JSON
		if pretty && (res.Invalid == nil || res.Invalid.Kind != generator.MalformedJSON) {
			var buf bytes.Buffer
			if err := json.Indent(&buf, res.JSON, "", "  "); err == nil {
				out = buf.Bytes()
			}
		}
		if _, err := a.stdout.Write(append(out, '\n')); err != nil {
			return err
		}
		if res.Invalid != nil {
			fmt.Fprintf(a.stderr, "event %d (seed %d): %s\n", i+1, req.Seed, res.Invalid)
		}
		clock.Advance(time.Second)
	}
	return nil
}

// explain prints the exactness of the named event, or of every event, one
// tab-separated line each: name, "exact" or "not exact", and the reason.
func (a *app) explain(g *generator.Generator, args []string) error {
	events := g.Spec().Events
	if len(args) == 1 {
		e, err := g.Lookup(args[0])
		if err != nil {
			return usageErr("%v", err)
		}
		events = []*spec.Event{e}
	}
	exact := 0
	for _, e := range events {
		x := g.Exactness(e)
		if x.Exact {
			exact++
			fmt.Fprintf(a.stdout, "%s\texact\n", e.Name)
			continue
		}
		fmt.Fprintf(a.stdout, "%s\tnot exact\t%s\n", e.Name, x.Reason)
	}
	if len(args) == 0 {
		fmt.Fprintf(a.stderr, "%d of %d events exact\n", exact, len(events))
	}
	return nil
}

// parseNow reads --now: empty for the reproducible default, "now" for the
// wall clock, Unix seconds, or RFC 3339.
func parseNow(s string) (time.Time, error) {
	switch s {
	case "":
		return generator.Epoch, nil
	case "now":
		return time.Now().UTC().Truncate(time.Second), nil
	}
	if secs, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(secs, 0).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not Unix seconds, RFC 3339 or \"now\"", s)
	}
	return t, nil
}

// parseSets reads --set flags.
func parseSets(sets []string) ([]generator.Override, error) {
	var out []generator.Override
	for _, kv := range sets {
		o, err := generator.ParseOverride(kv)
		if err != nil {
			return nil, usageErr("--set: %v", err)
		}
		out = append(out, o)
	}
	return out, nil
}
