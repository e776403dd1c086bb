package cmd

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
)

func newServeCmd(a *app) *cobra.Command {
	var (
		configPath string
		caFile     string
		cfg        mockserver.Config
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
                   GET /_mock/health, POST /_mock/clock/advance (--clock virtual)

Settings come from --config (hookmock.yaml: delivery, probe, webhooks,
retry, log, schedules, actions); flags override it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			file := &mockserver.Config{}
			if configPath != "" {
				var err error
				if file, err = mockserver.LoadConfig(configPath); err != nil {
					return usageErr("%v", err)
				}
			}
			// Flags given on the command line win over the file.
			flags := cmd.Flags()
			pick := func(name string, flag, fromFile string) string {
				if flags.Changed(name) || fromFile == "" {
					return flag
				}
				return fromFile
			}
			addr := pick("addr", cfg.Addr, file.Addr)
			clockKind := pick("clock", cfg.Clock, file.Clock)
			logFormat := pick("log-format", cfg.LogFormat, file.LogFormat)
			apiKey := pick("api-key", cfg.APIKey, file.APIKey)
			if env := os.Getenv("HOOKMOCK_API_KEY"); env != "" && !flags.Changed("api-key") {
				apiKey = env
			}
			seed := cfg.Seed
			if !flags.Changed("seed") && file.Seed != 0 {
				seed = file.Seed
			}
			if a.specPath == "" {
				a.specPath = file.Spec.Path
			}
			a.strictSpec = a.strictSpec || file.Spec.Strict
			s, err := a.loadSpec()
			if err != nil {
				return err
			}
			var opts mockserver.Options
			file.Apply(&opts)
			if flags.Changed("ca-file") {
				opts.CAFile = caFile
			}
			opts.Spec, opts.Seed, opts.APIKey = s, seed, apiKey
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
			fmt.Fprintf(a.stdout, "hookmock serve: ready on http://%s (%s %s, %d events; seed %d; %s clock)\n",
				ln.Addr(), s.Title, s.Version, len(s.Events), p.Seed(), clockKind)
			if err := mockserver.Serve(ctx, ln, p, 10*time.Second); err != nil {
				return fmt.Errorf("serve: %w", err)
			}
			opts.Logger.Info("stopped", "deliveries", len(p.Deliveries()))
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&cfg.Addr, "addr", "127.0.0.1:8089", "listen address")
	f.StringVar(&configPath, "config", "", "config file (hookmock.yaml)")
	f.Uint64Var(&cfg.Seed, "seed", 0, "seed for events, webhook uuids and secrets (0: random, printed)")
	f.StringVar(&cfg.Clock, "clock", "real", "real, or virtual (time moves only through POST /_mock/clock/advance)")
	f.StringVar(&cfg.APIKey, "api-key", "", "require this bearer token on every route, /_mock/* included (default: $HOOKMOCK_API_KEY; unset: any token)")
	f.StringVar(&caFile, "ca-file", "", "PEM certificates to trust for https consumers, besides the system roots (delivery.caFile)")
	f.StringVar(&cfg.LogFormat, "log-format", "text", "text or json")
	return c
}

// isLoopback reports whether a listener only takes connections from this
// machine.
func isLoopback(a net.Addr) bool {
	t, ok := a.(*net.TCPAddr)
	return ok && t.IP.IsLoopback()
}
