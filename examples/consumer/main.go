// Command consumer is an example receiver of Daily's call-transfer
// webhooks: it verifies Daily's signatures, answers fast, is idempotent by
// event id and follows each transfer from triggered to completed, whatever
// order the events arrive in. See README.md.
//
//	DAILY_WEBHOOK_SECRET=<base64 hmac> go run ./examples/consumer -addr :8080
//
// With DAILY_API_KEY and PUBLIC_URL set it also registers itself at Daily
// (DAILY_API_URL overrides the API, e.g. to a local hookmock serve).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// The events this consumer subscribes to.
var transferEvents = []string{"calltransfer.triggered", "calltransfer.initiated", "calltransfer.answered", "calltransfer.completed"}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(ctx, os.Args[1:], os.Getenv, log); err != nil {
		log.Error("consumer stopped", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, log *slog.Logger) error {
	fs := flag.NewFlagSet("consumer", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	path := fs.String("path", "/webhooks/daily", "webhook path")
	debug := fs.Bool("debug", false, "serve GET /debug/processed?id= for hookmock verify's idempotency probe")
	if err := fs.Parse(args); err != nil {
		return err
	}
	h, err := NewHandler(Config{Secret: getenv("DAILY_WEBHOOK_SECRET"), Logger: log})
	if err != nil {
		return fmt.Errorf("DAILY_WEBHOOK_SECRET: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST "+*path, h)
	if *debug {
		mux.Handle("GET /debug/processed", h.ProcessedHandler())
	}
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("consumer listening", "addr", *addr, "path", *path)

	if key, public := getenv("DAILY_API_KEY"), getenv("PUBLIC_URL"); key != "" && public != "" {
		api := getenv("DAILY_API_URL")
		if api == "" {
			api = DailyAPI
		}
		hook, err := RegisterWebhook(ctx, http.DefaultClient, api, key, WebhookConfig{
			URL: public + *path, HMAC: getenv("DAILY_WEBHOOK_SECRET"), EventTypes: transferEvents})
		if err != nil {
			_ = srv.Close()
			return err
		}
		log.Info("webhook registered", "uuid", hook.UUID, "state", hook.State)
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Let in-flight deliveries finish: Daily would count a dropped
	// connection as a failure.
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
