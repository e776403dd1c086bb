package cmd_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/cmd"
)

// The lenient fixtures load with warnings on stderr (exit 0); --strict
// turns each into a load error (exit 2) naming the file and line.
func TestStrictTurnsLenientReadingsIntoExit2(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "spec", "testdata", "lenient", "*.yaml"))
	if err != nil || len(files) < 6 {
		t.Fatalf("%d fixtures: %v", len(files), err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			code, out, errOut := run(t, "", "events", "--spec", f)
			if code != cmd.ExitOK || !strings.Contains(out, "ping") {
				t.Fatalf("lenient: exit %d\n%s%s", code, out, errOut)
			}
			if unreached := strings.HasSuffix(f, "unreached.yaml"); unreached == strings.Contains(errOut, "warning: "+f+":") {
				t.Errorf("warnings on stderr (none wanted for an unused component: %v):\n%s", unreached, errOut)
			}
			code, _, errOut = run(t, "", "events", "--spec", f, "--strict")
			if code != cmd.ExitUsage || !strings.Contains(errOut, f+":") {
				t.Errorf("--strict: exit %d, want 2 naming %s:\n%s", code, f, errOut)
			}
		})
	}
}

// hookmock lint lists everything, in schemas no webhook reaches too.
func TestLintListsUnreachedKeywords(t *testing.T) {
	f := filepath.Join("..", "spec", "testdata", "lenient", "unreached.yaml")
	code, out, errOut := run(t, "", "lint", "--spec", f)
	if code != cmd.ExitFailed || !strings.Contains(out, "/components/schemas/Unused/nullable") || !strings.Contains(out, "/components/schemas/Unused/max_length") {
		t.Errorf("lint: exit %d\n%s%s", code, out, errOut)
	}
	f = filepath.Join("..", "spec", "testdata", "lenient", "big-integer.yaml")
	if code, out, errOut := run(t, "", "lint", "--spec", f); code != cmd.ExitFailed || !strings.Contains(out, "does not fit in 64 bits") {
		t.Errorf("lint: exit %d\n%s%s", code, out, errOut)
	}
}
