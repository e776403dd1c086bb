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

// deadline bounds every command: the "finishes within 10 s". A
// command still running then is killed, and the test fails on it.
const deadline = 10 * time.Second

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
func run(args ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	c := exec.CommandContext(ctx, bin, args...)
	var out, errOut bytes.Buffer
	c.Stdout, c.Stderr = &out, &errOut
	err := c.Run()
	Expect(ctx.Err()).NotTo(HaveOccurred(), "hookmock %v did not finish within %s; stderr: %s", args, deadline, errOut.String())
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
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
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
	Expect(ctx.Err()).NotTo(HaveOccurred(), "serve --spec %s did not finish within %s; stderr: %s", specPath, deadline, errOut.String())
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	}
	return result{code, out.String(), errOut.String()}
}
