// Command hookmock is a fake webhook provider, contract verifier and
// version-bump gate. Everything lives in package cmd; see cmd.Run.
package main

import (
	"context"
	"os"

	"github.com/hookmock/hookmock/cmd"
)

func main() { os.Exit(cmd.Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) }
