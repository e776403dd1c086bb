package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

// newHealthCmd asks a running `hookmock serve` whether it is up. It exists
// so that a container built FROM scratch (no shell, no curl) can have a
// HEALTHCHECK: the binary checks itself.
func newHealthCmd(a *app) *cobra.Command {
	var (
		url     string
		timeout time.Duration
	)
	c := &cobra.Command{
		Use:   "health",
		Short: "Check that a running hookmock serve answers /_mock/health (exit 0 healthy, 1 not)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/_mock/health", nil)
			if err != nil {
				return usageErr("--url: %v", err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				fmt.Fprintf(a.stderr, "hookmock health: %s: %v\n", url, err)
				return errFailed
			}
			defer resp.Body.Close()
			var body struct {
				OK bool `json:"ok"`
			}
			err = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body)
			if resp.StatusCode != http.StatusOK || err != nil || !body.OK {
				fmt.Fprintf(a.stderr, "hookmock health: %s: %s, not healthy\n", url, resp.Status)
				return errFailed
			}
			fmt.Fprintf(a.stdout, "hookmock health: %s ok\n", url)
			return nil
		},
	}
	c.Flags().StringVar(&url, "url", "http://127.0.0.1:8089", "base URL of the running server")
	c.Flags().DurationVar(&timeout, "timeout", 3*time.Second, "how long to wait for the answer")
	return c
}
