// Package corpus locates the shared folder of real third-party webhook
// specs for tests. The specs are never copied into the project: tests read
// them from HOOKMOCK_CORPUS, which .ci/run points at ../shared/specs/real.
package corpus

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// Env names the environment variable that points at the corpus.
const Env = "HOOKMOCK_CORPUS"

var announce sync.Once

// Dir returns the corpus folder, or skips t when HOOKMOCK_CORPUS is unset.
// A folder that is named but missing fails the test, and so does an unset
// variable under CI=true: a skipped corpus there would pass unseen.
func Dir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(Env)
	if dir == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set under CI=true; .ci/run sets it to ../shared/specs/real", Env)
		}
		announce.Do(func() {
			fmt.Fprintf(visible(), "hookmock: %s is not set: the real-spec corpus tests are skipped (.ci/run sets it to ../shared/specs/real)\n", Env)
		})
		t.Skipf("%s is not set: skipping the real-spec corpus (.ci/run sets it to ../shared/specs/real)", Env)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("%s=%s is not a folder: %v", Env, dir, err)
	}
	return dir
}

// visible returns a writer whose text reaches the person running plain
// `go test ./...`. That command buffers a passing package's output and
// shows only its "ok" line, so a skip notice on stderr would be lost; the
// test binary's parent is the go command, and on Linux its standard error
// is reachable through /proc. Elsewhere, or when that fails, stderr it is
// (shown with -v).
func visible() *os.File {
	if f, err := os.OpenFile(fmt.Sprintf("/proc/%d/fd/2", os.Getppid()), os.O_WRONLY|os.O_APPEND, 0); err == nil {
		return f
	}
	return os.Stderr
}

// Announce writes a line where plain `go test ./...` shows it (see
// visible): for skips of other shared inputs, such as the Daily catalogue.
func Announce(format string, args ...any) {
	fmt.Fprintf(visible(), format+"\n", args...)
}
