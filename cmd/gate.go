package cmd

import "github.com/spf13/cobra"

func newGateCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "gate <old> <new>", Short: "Check a contract change (not yet available)", Hidden: true,
		RunE: func(*cobra.Command, []string) error { return usageErr("gate is not implemented yet") }}
}
