package hostilecli_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestHostileCLI(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "hostile inputs through the hookmock command line")
}

// budget bounds every command: the "finishes within 10 s", counted
// as the CPU time the process used (user + system). Wall time on a machine
// shared by several test binaries says more about the neighbours than about
// hookmock; CPU time is what an exponential or unbounded input burns.
// hangGuard kills a command that is still running, whatever it is doing.
const (
	budget    = 10 * time.Second
	hangGuard = 90 * time.Second
)

func cpu(ps *os.ProcessState) time.Duration {
	if ps == nil {
		return 0
	}
	return ps.UserTime() + ps.SystemTime()
}

// bin is hookmock built once, without the race detector: the bound is on
// the product, not on an instrumented copy of it.
var bin string

var _ = SynchronizedBeforeSuite(func() []byte {
	dir, err := os.MkdirTemp("", "hookmock-cli-")
	Expect(err).NotTo(HaveOccurred())
	path := filepath.Join(dir, "hookmock")
	build := exec.Command("go", "build", "-o", path, "github.com/hookmock/hookmock/cmd/hookmock")
	out, err := build.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "go build: %s", out)
	return []byte(path)
}, func(path []byte) {
	bin = string(path)
})

var _ = SynchronizedAfterSuite(func() {}, func() {
	os.RemoveAll(filepath.Dir(bin))
})

// result is one finished command.
type result struct {
	code           int
	stdout, stderr string
}

// run runs hookmock with args under the deadline.
func run(args ...string) result { return runEnv(nil, args...) }

// runEnv is run with extra environment variables.
func runEnv(env []string, args ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	c := exec.CommandContext(ctx, bin, args...)
	c.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	c.Stdout, c.Stderr = &out, &errOut
	err := c.Run()
	Expect(ctx.Err()).NotTo(HaveOccurred(), "hookmock %v still running after %s; stderr: %s", args, hangGuard, errOut.String())
	Expect(cpu(c.ProcessState)).To(BeNumerically("<", budget), "hookmock %v used more than %s of CPU", args, budget)
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		Expect(err).NotTo(HaveOccurred())
	}
	return result{code, out.String(), errOut.String()}
}

// serveUntilReady starts `serve --spec` and, if it comes up, stops it with
// SIGINT; it returns the exit code either way, within the deadline.
func serveUntilReady(specPath string) result {
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	c := exec.CommandContext(ctx, bin, "serve", "--spec", specPath, "--addr", "127.0.0.1:0")
	var out, errOut syncBuf
	c.Stdout, c.Stderr = &out, &errOut
	Expect(c.Start()).To(Succeed())
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	ready := regexp.MustCompile(`ready on http://`)
	var err error
wait:
	for {
		select {
		case err = <-done:
			break wait
		case <-time.After(20 * time.Millisecond):
			if ready.MatchString(out.String()) {
				Expect(c.Process.Signal(syscall.SIGINT)).To(Succeed())
				err = <-done
				break wait
			}
		}
	}
	Expect(ctx.Err()).NotTo(HaveOccurred(), "serve --spec %s still running after %s; stderr: %s", specPath, hangGuard, errOut.String())
	Expect(cpu(c.ProcessState)).To(BeNumerically("<", budget), "serve --spec %s used more than %s of CPU before it was ready", specPath, budget)
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	}
	return result{code, out.String(), errOut.String()}
}
