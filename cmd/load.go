package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/hookmock/hookmock/generator/seeds"
	"github.com/hookmock/hookmock/mockserver/loadgen"
	"github.com/hookmock/hookmock/mockserver/schedule"
)

func newLoadCmd(a *app) *cobra.Command {
	var (
		cfg          loadgen.Config
		tf           targetFlags
		rate, scName string
		out          string
		seed         uint64
	)
	c := &cobra.Command{
		Use:   "load --to URL --rate R --duration D",
		Short: "Push a consumer with generated, signed events at an open-loop rate",
		Long: `Send generated events to --to at --rate (50, 50/s, 3000/m) for --duration,
or until --max events: sends start on time whether or not earlier ones were
answered, so a slow consumer shows as latency. --event picks one event
(default: every event of the contract in turn); --scenario plays a scenario
per tick instead, its events back to back.

A progress line (sent/s, p50/p99 latency, errors) goes to stderr every
second; the summary (vegeta's figures: requests, rate, throughput, success
ratio, duration, p50/p90/p99/max, status codes) and a latency histogram go
to stdout; --out FILE writes the same report as JSON too, for CI. Latency
runs from the moment a send was due to the end of its response (the
coordinated-omission correction), in HdrHistogram; a second line gives
it from each request's own start, as vegeta counts it. Events are generated
before the clock starts (--ahead), so generation does not delay a tick.
Every request is signed whenever --secret is given. --rate is capped at
what this machine can send (loadgen.MaxRatePerCPU per CPU; see
docs/performance.md).

Exit codes: 0 every send answered 200, 1 some failed or were missed, 2 usage error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if cfg.Target, err = tf.target(a.stderr); err != nil {
				return err
			}
			if cfg.Rate, err = parseLoadRate(rate); err != nil {
				return usageErr("--rate: %v", err)
			}
			if cfg.Event != "" && scName != "" {
				return usageErr("give --event or --scenario, not both")
			}
			if cfg.Spec, err = a.loadSpec(); err != nil {
				return err
			}
			if scName != "" {
				if cfg.Scenario, err = a.resolveScenario(scName); err != nil {
					return err
				}
			}
			if _, ok := cfg.Spec.Lookup(cfg.Event); cfg.Event != "" && !ok {
				return usageErr("--event: no event %q in %s", cfg.Event, cfg.Spec.Title)
			}
			if !cmd.Flags().Changed("seed") {
				seed = seeds.Random()
				fmt.Fprintf(a.stderr, "seed: %d\n", seed)
			}
			cfg.Seed, cfg.CAFile = seed, tf.caFile
			cfg.Progress = progressPrinter(a.stderr)
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			rep, err := loadgen.Run(ctx, cfg)
			if err != nil {
				return usageErr("%v", err)
			}
			if isTerminal(a.stderr) {
				fmt.Fprintln(a.stderr)
			}
			rep.WriteText(a.stdout)
			if out != "" {
				b, err := json.MarshalIndent(rep, "", "  ")
				if err == nil {
					err = os.WriteFile(out, append(b, '\n'), 0o644)
				}
				if err != nil {
					return fmt.Errorf("--out: %w", err)
				}
			}
			if rep.Errors > 0 || rep.Missed > 0 {
				return errFailed
			}
			return nil
		},
	}
	f := c.Flags()
	tf.register(f)
	f.StringVar(&rate, "rate", "10", "sends per second: 50, 50/s, 3000/m")
	f.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long to send")
	f.IntVar(&cfg.Max, "max", 0, "stop after this many sends (0: no limit)")
	f.StringVar(&cfg.Event, "event", "", "event to send (default: every event in turn)")
	f.StringVar(&scName, "scenario", "", "play this scenario (name or file) per tick")
	f.Uint64Var(&seed, "seed", 0, "generation seed (default: random, printed to stderr)")
	f.DurationVar(&cfg.Timeout, "timeout", 5*time.Second, "how long to wait for each answer")
	f.IntVar(&cfg.MaxInFlight, "max-in-flight", loadgen.DefaultMaxInFlight, "most sends at once; ticks beyond it are counted as missed")
	f.StringVar(&out, "out", "", "also write the report as JSON to this file")
	f.IntVar(&cfg.Ahead, "ahead", 0, fmt.Sprintf("events generated before the clock starts (default: 10 s of the rate, 1024 to %d)", loadgen.MaxAhead))
	f.IntVar(&cfg.Connections, "connections", 64, "most connections to the consumer; sends beyond them wait (the wait counts as latency)")
	return c
}

// parseLoadRate reads "50" (per second) or a rate with a unit. The
// schedule's syntax, not its cap: loadgen checks load's own, which is
// higher.
func parseLoadRate(s string) (float64, error) {
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		s = strconv.FormatFloat(n, 'f', -1, 64) + "/s"
	}
	num, unit, _ := strings.Cut(s, "/")
	n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || n <= schedule.MaxRate {
		return schedule.ParseRate(s)
	}
	// Above the schedule's cap: scale the number down into its range and
	// back up, so the units and the checks stay the schedule's.
	r, err := schedule.ParseRate(strconv.FormatFloat(n/schedule.MaxRate, 'f', -1, 64) + "/" + unit)
	if err != nil {
		return 0, fmt.Errorf("%q is not a rate (e.g. 50/s, 3000/m, 2/h)", s)
	}
	return r * schedule.MaxRate, nil
}

// progressPrinter rewrites one line on a terminal, and prints a line per
// update anywhere else, so that logs stay readable.
func progressPrinter(w io.Writer) func(loadgen.Snapshot) {
	tty := isTerminal(w)
	return func(s loadgen.Snapshot) {
		line := loadgen.FormatProgress(s)
		if tty {
			fmt.Fprint(w, "\r"+strings.TrimSpace(line)+"\x1b[K")
			return
		}
		fmt.Fprintln(w, line)
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
