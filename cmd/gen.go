package cmd

import "github.com/spf13/cobra"

func newGenCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "gen <event>", Short: "Generate events (not yet available)", Hidden: true,
		RunE: func(*cobra.Command, []string) error { return usageErr("gen is not implemented yet") }}
}
