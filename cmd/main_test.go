package cmd_test

import (
	"os"
	"testing"
)

// TestMain gives the tests their own state directory: serve's default
// store is a SQLite file there, and a developer's own must not leak in.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hookmock-cmd-state-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_STATE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
