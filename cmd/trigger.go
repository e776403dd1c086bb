package cmd

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/generator/seeds"
	"github.com/hookmock/hookmock/mockserver/wire"
)

func newTriggerCmd(a *app) *cobra.Command {
	var (
		tf      targetFlags
		seed    uint64
		sets    []string
		timeout time.Duration
		accept  bool
	)
	c := &cobra.Command{
		Use:   "trigger <event> --to URL",
		Short: "Send one generated, signed event to a URL, without a server",
		Long: `Send one generated event to --to, signed with --secret (Daily's scheme by
default: the base64 hmac; with --sign standard: a whsec_ key). Prints the
consumer's status, latency and a body excerpt.

Exit codes: 0 the consumer answered 200 (any 2xx with --accept-2xx),
1 it did not, 2 usage error.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := tf.target(a.stderr)
			if err != nil {
				return err
			}
			s, err := a.loadSpec()
			if err != nil {
				return err
			}
			g := generator.New(s, append([]generator.Option{generator.WithClock(clock.Real{})}, a.limits.generatorOptions()...)...)
			req := generator.Request{Event: args[0], Seed: seed}
			random := !cmd.Flags().Changed("seed")
			if random {
				req.Seed = seeds.Random()
			}
			if req.Set, err = parseSets(sets); err != nil {
				return err
			}
			res, err := g.GenerateContext(cmd.Context(), req)
			if err != nil {
				return usageErr("%v", err)
			}
			if random {
				fmt.Fprintf(a.stderr, "seed: %d\n", req.Seed)
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout+time.Second)
			defer cancel()
			client, err := tf.client()
			if err != nil {
				return err
			}
			att := wire.Send(ctx, client, t, wire.Request{MsgID: res.ID, Body: res.JSON, At: time.Now(), Timeout: timeout, BodyLimit: 4 << 10})
			if att.Response == nil {
				fmt.Fprintf(a.stdout, "%s %s: no answer after %.1f ms: %s\n", res.Event.Name, t.URL, att.LatencyMS, att.Error)
				return errFailed
			}
			fmt.Fprintf(a.stdout, "%s %s: %d %s in %.1f ms; body: %s\n", res.Event.Name, t.URL, att.Response.Status,
				http.StatusText(att.Response.Status), att.LatencyMS, excerpt(att.Response.Body, 200))
			if wire.IsRedirect(att.Response.Status) {
				fmt.Fprintf(a.stdout, "%s: %s (Location: %s)\n", res.Event.Name, wire.RedirectNotSuccess, att.Response.Headers.Get("Location"))
			}
			st := att.Response.Status
			switch {
			case st == http.StatusOK, accept && st >= 200 && st < 300:
				return nil
			case st >= 200 && st < 300:
				fmt.Fprintf(a.stdout, "%s: %d is not 200: Daily counts only 200 as delivered; pass --accept-2xx (delivery.accept2xx in hookmock.yaml for the server) to count any 2xx\n", res.Event.Name, st)
			}
			return errFailed
		},
	}
	f := c.Flags()
	tf.register(f)
	f.Uint64Var(&seed, "seed", 0, "generation seed (default: random, printed to stderr)")
	f.StringArrayVar(&sets, "set", nil, "override a declared field: payload.room=sales; +payload.x=1 adds an undeclared one (repeatable)")
	f.DurationVar(&timeout, "timeout", 5*time.Second, "how long to wait for the consumer")
	f.BoolVar(&accept, "accept-2xx", false, "count any 2xx as delivered, not only 200 (as delivery.accept2xx does for the server)")
	return c
}

// excerpt shortens a body for one line of output.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "(empty)"
	}
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
