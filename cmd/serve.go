package cmd

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/store"
)

func newServeCmd(a *app) *cobra.Command {
	var (
		configPath string
		reset      bool
		fl         mockserver.Flags
		quiet      bool
	)
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the mock Daily webhook provider",
		Long: `Run the mock provider:

  Daily's API      /v1/webhooks, /v1/webhooks/{uuid} (with the verification probe),
                   /v1/rooms/{name}/sipCallTransfer, /v1/rooms/{name}/sipRefer
  deliveries       signed, with Daily's circuit-breaker and exponential retries
  control API      POST /_mock/events, GET|DELETE /_mock/deliveries,
                   GET /_mock/scenarios, POST /_mock/scenarios/{name}/run,
                   GET|POST /_mock/schedules, DELETE /_mock/schedules/{id},
                   POST /_mock/schedules/{id}/pause, /resume,
                   GET /_mock/health, POST /_mock/clock/advance (--clock virtual),
                   GET /_mock/stream, GET /_mock/deliveries/{id}[/curl],
                   POST /_mock/deliveries/{id}/replay, GET /_mock/openapi.json
  inspector        the page at /: live deliveries, detail, replay, trigger
  console          a line per attempt on stdout (--quiet: none)

State (webhooks, the delivery log, pending retries) lives in --store: by
default a SQLite file in the user's state directory, so a restart carries
on where the last run stopped; memory keeps nothing; postgres://... lets
several replicas share one database.

Settings come from --config (hookmock.yaml: delivery, probe, webhooks,
retry, log, store, schedules, actions); flags override it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			file := &mockserver.Config{}
			if configPath != "" {
				var err error
				if file, err = mockserver.LoadConfig(configPath); err != nil {
					return usageErr("%v", err)
				}
			}
			flags := cmd.Flags()
			fl.Spec, fl.Changed = a.specPath, func(name string) bool {
				if name == "spec" {
					return a.specPath != ""
				}
				return flags.Changed(name)
			}
			cfg := file.Override(fl)
			addr, clockKind, logFormat, apiKey := cfg.Addr, cfg.Clock, cfg.LogFormat, cfg.APIKey
			if env := os.Getenv("HOOKMOCK_API_KEY"); env != "" && !flags.Changed("api-key") {
				apiKey = env
			}
			a.specPath = cfg.Spec.Path
			a.strictSpec = a.strictSpec || cfg.Spec.Strict
			s, err := a.loadSpec()
			if err != nil {
				return err
			}
			var opts mockserver.Options
			cfg.Apply(&opts)
			opts.Spec, opts.Seed, opts.APIKey = s, cfg.Seed, apiKey
			opts.MaxEventBytes = a.limits.maxEventBytes
			switch clockKind {
			case "real":
				opts.Clock = clock.Real{}
			case "virtual":
				opts.Clock = clock.NewVirtual(time.Now().Truncate(time.Second))
			default:
				return usageErr("--clock: %q is not real or virtual", clockKind)
			}
			switch logFormat {
			case "text":
				opts.Logger = slog.New(slog.NewTextHandler(a.stderr, nil))
			case "json":
				opts.Logger = slog.New(slog.NewJSONHandler(a.stderr, nil))
			default:
				return usageErr("--log-format: %q is not text or json", logFormat)
			}
			spec := cfg.Store.URL
			if spec == "" {
				if spec, err = defaultStore(); err != nil {
					return usageErr("--store: %v", err)
				}
			}
			maxRecords := cfg.Store.Retention.MaxRecords
			if maxRecords == 0 {
				maxRecords = cmp.Or(opts.MaxDeliveries, 100_000)
			}
			st, err := store.Open(cmd.Context(), spec, store.Options{MaxRecords: maxRecords, MaxAge: time.Duration(cfg.Store.Retention.MaxAge), Reset: reset})
			if err != nil {
				return usageErr("--store: %v", err)
			}
			defer st.Close()
			opts.Store = st
			if !quiet {
				opts.Observers = append(opts.Observers, mockserver.ConsoleLog(a.stdout, logFormat == "json"))
			}
			p, err := mockserver.NewProvider(opts)
			if err != nil {
				return usageErr("%v", err)
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				p.Shutdown(context.Background())
				return usageErr("--addr: %v", err)
			}
			if apiKey == "" && !isLoopback(ln.Addr()) {
				fmt.Fprintf(a.stderr, "hookmock serve: warning: %s is not a loopback address and no --api-key (or HOOKMOCK_API_KEY) is set: "+
					"anyone who can reach it can fire events, read the delivery log and the webhooks' secrets\n", ln.Addr())
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			fmt.Fprintf(a.stdout, "hookmock serve: ready on http://%s (%s %s, %d events; seed %d; %s clock; store %s)\n",
				ln.Addr(), s.Title, s.Version, len(s.Events), p.Seed(), clockKind, st.Location())
			if err := mockserver.Serve(ctx, ln, p, 10*time.Second); err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			stats, _ := st.Stats(context.Background())
			opts.Logger.Info("stopped", "store", st.Location(), "deliveries", stats.Kept, "pending", stats.Pending)
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&fl.Addr, "addr", "127.0.0.1:8089", "listen address")
	f.StringVar(&configPath, "config", "", "config file (hookmock.yaml)")
	f.Uint64Var(&fl.Seed, "seed", 0, "seed for events, webhook uuids and secrets (0: random, printed)")
	f.StringVar(&fl.Clock, "clock", "real", "real, or virtual (time moves only through POST /_mock/clock/advance)")
	f.StringVar(&fl.APIKey, "api-key", "", "require this bearer token on every route, /_mock/* included (default: $HOOKMOCK_API_KEY; unset: any token)")
	f.StringVar(&fl.CAFile, "ca-file", "", "PEM certificates to trust for https consumers, besides the system roots (delivery.caFile)")
	f.StringVar(&fl.LogFormat, "log-format", "text", "text or json (logs on stderr, and the per-attempt lines on stdout)")
	f.BoolVarP(&quiet, "quiet", "q", false, "do not print a line per delivery attempt")
	f.StringVar(&fl.Store, "store", "", "where state lives: sqlite:PATH, memory or postgres://user@host/db (default: sqlite in the user's state directory; store.url)")
	f.BoolVar(&reset, "reset", false, "start with an empty store: forget its webhooks, log and pending work")
	return c
}

// defaultStore is a SQLite file in the user's state directory:
// $XDG_STATE_HOME/hookmock/state.db, or ~/.local/state/hookmock/state.db.
func defaultStore() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no state directory (set XDG_STATE_HOME or HOME, or pass --store): %w", err)
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return "sqlite:" + filepath.Join(dir, "hookmock", "state.db"), nil
}

// isLoopback reports whether a listener only takes connections from this
// machine.
func isLoopback(a net.Addr) bool {
	t, ok := a.(*net.TCPAddr)
	return ok && t.IP.IsLoopback()
}
