package cmd

import (
	"github.com/spf13/cobra"
)

func newServeCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the mock Daily webhook provider (not yet available)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := a.loadSpec()
			if err != nil {
				return err
			}
			cmd.Printf("hookmock serve will listen on 127.0.0.1:8089, mimic Daily's /v1/webhooks API and deliver signed events of %q %s (%d events).\n", s.Title, s.Version, len(s.Events))
			return usageErr("serve is not implemented yet; use `hookmock events` and `hookmock validate`")
		},
	}
}
