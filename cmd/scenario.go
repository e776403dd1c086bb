package cmd

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/generator/seeds"
	"github.com/hookmock/hookmock/mockserver/scenario"
	"github.com/hookmock/hookmock/mockserver/wire"
)

func newScenarioCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "scenario",
		Short: "List, show, check and play scenarios (sequences of events with realistic timing)",
		Long: `A scenario is an ordered list of events with gaps, overrides, branches,
repeats and faults, written in YAML. Built-ins ("hookmock scenario list"):
meeting, meeting-with-transcript, waiting-room, dial-in, dial-out,
streaming, recording-error, batch-processor, and the call transfers
sip-call-transfer, sip-refer, pstn-transfer. See "hookmock scenario show
meeting" for the format.`,
	}
	c.AddCommand(newScenarioListCmd(a), newScenarioShowCmd(a), newScenarioCheckCmd(a), newScenarioRunCmd(a))
	return c
}

// scenarioOptions checks scenarios against --spec.
func (a *app) scenarioOptions() (scenario.Options, error) {
	s, err := a.loadSpec()
	if err != nil {
		return scenario.Options{}, err
	}
	return scenario.Options{Spec: s}, nil
}

func (a *app) resolveScenario(nameOrPath string) (*scenario.Scenario, error) {
	opts, err := a.scenarioOptions()
	if err != nil {
		return nil, err
	}
	sc, err := scenario.Resolve(nameOrPath, opts)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return sc, nil
}

func newScenarioListCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the built-in scenarios",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			opts, err := a.scenarioOptions()
			if err != nil {
				return err
			}
			all, err := scenario.Builtins(opts)
			if err != nil {
				return usageErr("%v", err)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			for _, sc := range all {
				var vars []string
				for _, v := range sc.Vars {
					vars = append(vars, fmt.Sprintf("%s=%v", v.Name, v.Default))
				}
				line := sc.Description
				if len(vars) > 0 {
					line += " [vars: " + strings.Join(vars, ", ") + "]"
				}
				fmt.Fprintf(tw, "%s\t%s\n", sc.Name, line)
			}
			return tw.Flush()
		},
	}
}

func newScenarioShowCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "show <name|file>",
		Short: "Print a scenario's YAML",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			sc, err := a.resolveScenario(args[0])
			if err != nil {
				return err
			}
			_, err = a.stdout.Write(sc.Text)
			return err
		},
	}
}

func newScenarioCheckCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "check <file>...",
		Short: "Check scenario files against the contract; errors name file:line:col",
		Long: `Check scenario files: events must be in the contract, durations and
probabilities well-formed, overridden fields declared by the event's schema
and literal values valid for them.

Exit codes: 0 all valid, 1 a file has errors, 2 a file cannot be read.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			opts, err := a.scenarioOptions()
			if err != nil {
				return err
			}
			bad := false
			for _, path := range args {
				sc, err := scenario.Resolve(path, opts)
				if es := scenario.AsErrors(err); es != nil {
					fmt.Fprintln(a.stdout, es.Error())
					bad = true
					continue
				}
				if err != nil {
					return usageErr("%v", err)
				}
				fmt.Fprintf(a.stdout, "%s: ok (%s: %d steps, events %s)\n", path, sc.Name, len(sc.Steps), strings.Join(sc.Events(), ", "))
			}
			if bad {
				return errFailed
			}
			return nil
		},
	}
}

func newScenarioRunCmd(a *app) *cobra.Command {
	var (
		tf            targetFlags
		faults, speed string
		seed          uint64
		vars, sets    []string
		timeout       time.Duration
		asJSON        bool
	)
	c := &cobra.Command{
		Use:   "run <name|file> --to URL",
		Short: "Play a scenario at a URL, without a server",
		Long: `Play a built-in scenario or a scenario file at --to: each event is
generated, signed with --secret (Daily's scheme by default) and POSTed
once, after the scenario's gap. Gaps run in real time; --speed 10x plays
ten times faster, --speed instant skips them. At any speed the events'
timestamps keep the planned gaps, as a server-side run stamps them;
signatures are made when each request is sent.

--var sets variables: call values (room, sessionId, mtgSessionId,
domainId, fromEndpoint, toEndpoint) and the scenario's own
(e.g. referEmitsAnswered=true for sip-refer).

--faults injects faults into every event: dup (same id again), reorder
(swap with the next event), delay, badsig, nosig, stale, future,
content-type, truncate, malformed, invalid (a schema violation), slow.
drop-first needs a server's retries and is only recorded here.

The same --seed gives the same events, in the same order, with the same
faults. Exit codes: 0 every event without a rejecting fault got 200,
1 one did not, 2 usage or load error.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			target, err := tf.target(a.stderr)
			if err != nil {
				return err
			}
			sp, err := scenario.ParseSpeed(speed)
			if err != nil {
				return usageErr("--speed: %v", err)
			}
			fs, err := wire.ParseFaults(faults)
			if err != nil {
				return usageErr("--faults: %v", err)
			}
			sc, err := a.resolveScenario(args[0])
			if err != nil {
				return err
			}
			s, err := a.loadSpec()
			if err != nil {
				return err
			}
			random := !cmd.Flags().Changed("seed")
			if random {
				seed = seeds.Random()
			}
			po := scenario.PlanOptions{Seed: seed, Vars: map[string]any{}, Spec: s}
			for _, kv := range vars {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					return usageErr("--var %q: want name=value", kv)
				}
				po.Vars[k] = v
			}
			if len(sets) > 0 {
				set, err := parseSets(sets)
				if err != nil {
					return err
				}
				po.Set = map[string][]generator.Override{"*": set}
			}
			plan, err := sc.Plan(po)
			if err != nil {
				return usageErr("%v", err)
			}
			if random {
				// Only once the inputs are known good: a usage error is not
				// worth a seed to replay.
				fmt.Fprintf(a.stderr, "seed: %d\n", seed)
			}
			client, err := tf.client()
			if err != nil {
				return err
			}
			// The events are stamped on the plan's own virtual clock, as
			// the server stamps a run under its virtual clock, so that
			// their timestamps keep the planned gaps at any --speed; the
			// sending is paced in real time and signed when it happens.
			plan0 := clock.NewVirtual(time.Now().Truncate(time.Second))
			em := &oneShot{gen: generator.New(s, generator.WithClock(plan0)), client: client,
				target:  target,
				timeout: timeout, extra: fs, clock: clock.Real{}, out: a.stdout, start: time.Now(), quiet: asJSON,
				pace: pacer{planStart: plan0.Now(), realStart: time.Now(), speed: sp}}
			player := &scenario.Player{Clock: plan0, Advance: true, Emitter: em}
			run, err := player.Play(cmd.Context(), plan)
			if ferr := em.flush(cmd.Context()); err == nil {
				err = ferr
			}
			if asJSON && run != nil {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				if jerr := enc.Encode(run); jerr != nil && err == nil {
					err = jerr
				}
			}
			if err != nil {
				return &exitError{ExitFailed, err}
			}
			if !asJSON {
				fmt.Fprintf(a.stdout, "%s: %d events sent (%d requests), %d unexpected answers; seed %d\n",
					sc.Name, len(run.Events), em.requests, em.unexpected, seed)
			}
			if em.unexpected > 0 {
				return errFailed
			}
			return nil
		},
	}
	f := c.Flags()
	tf.register(f)
	f.Uint64Var(&seed, "seed", 0, "seed for delays, branches and events (default: random, printed to stderr)")
	f.StringVar(&faults, "faults", "", "faults for every event, e.g. dup,reorder,stale:2h,badsig")
	f.StringVar(&speed, "speed", "1x", "real-time factor (10x, 0.5x) or instant")
	f.StringArrayVar(&vars, "var", nil, "set a variable: room=sales, sessionId=<uuid>, referEmitsAnswered=true (repeatable)")
	f.StringArrayVar(&sets, "set", nil, "override a field of every event that declares it: payload.user_name=Ada; +payload.x=1 adds it to all (repeatable; use --var for call values)")
	f.DurationVar(&timeout, "timeout", 5*time.Second, "how long to wait for the consumer per request")
	f.BoolVar(&asJSON, "json", false, "print the run record as JSON instead of one line per event")
	return c
}
