package cmd_test

import (
	"context"
	"os"
	"testing"

	"github.com/hookmock/hookmock/cmd"
	"github.com/hookmock/hookmock/internal/pgtest"
)

// TestMain gives the tests their own state directory: serve's default
// store is a SQLite file there, and a developer's own must not leak in.
// With HOOKMOCK_TEST_EXEC=1 the test binary is hookmock itself, so that
// tests can run real serve processes (and kill -9 them) without a build.
func TestMain(m *testing.M) {
	if os.Getenv("HOOKMOCK_TEST_EXEC") == "1" {
		os.Exit(cmd.Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	dir, err := os.MkdirTemp("", "hookmock-cmd-state-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_STATE_HOME", dir)
	code := pgtest.Main(m)
	os.RemoveAll(dir)
	os.Exit(code)
}
