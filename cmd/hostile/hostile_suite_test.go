package hostile_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/cmd"
)

func TestHostile(t *testing.T) {
	RegisterFailHandler(Fail)
	SetDefaultEventuallyTimeout(20 * time.Second)
	RunSpecs(t, "hostile inputs against hookmock serve")
}

// rssBound (race_test.go, norace_test.go) is the most resident memory this
// test process, the server and its hostile clients together, may reach:
// VmHWM, the peak, from /proc/self/status. 512 MiB in a plain build, 1 GiB
// under -race. Before the limits, 100 deliveries to a consumer answering
// 8 MiB of headers alone cost 1.4 GB.

// within is how long any hostile request may take to get its 4xx.
const within = 5 * time.Second

// syncBuffer collects what the running command prints.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is a `hookmock serve` running in this process through cmd.Run.
type server struct {
	base     string
	key      string
	stdout   *syncBuffer
	stderr   *syncBuffer
	cancel   context.CancelFunc
	done     chan int
	exitCode int
}

// serve starts `hookmock serve` with a hookmock.yaml holding config and the
// given extra flags, and waits for its ready line.
func serve(config string, args ...string) *server {
	dir := GinkgoT().TempDir()
	path := filepath.Join(dir, "hookmock.yaml")
	Expect(os.WriteFile(path, []byte(config), 0o600)).To(Succeed())
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	// An in-memory store: nothing of a run may outlive it.
	full := append([]string{"serve", "--addr", "127.0.0.1:0", "--store", "memory", "--config", path, "--log-format", "json"}, args...)
	for i, a := range full {
		if a == "--api-key" {
			s.key = full[i+1]
		}
	}
	go func() { s.done <- cmd.RunWithInput(ctx, full, strings.NewReader(""), s.stdout, s.stderr) }()
	ready := regexp.MustCompile(`ready on (http://\S+)`)
	Eventually(func() string {
		select {
		case code := <-s.done:
			Fail(fmt.Sprintf("serve exited %d: %s", code, s.stderr.String()))
		default:
		}
		if m := ready.FindStringSubmatch(s.stdout.String()); m != nil {
			s.base = m[1]
		}
		return s.base
	}).ShouldNot(BeEmpty())
	return s
}

func (s *server) stop() {
	s.cancel()
	Eventually(s.done).Should(Receive(Equal(cmd.ExitOK)))
}

// call makes one request with a deadline of `within`, the key when auth is
// set, and returns the status and body.
func (s *server) call(method, path string, body any, withKey bool) (int, string) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		Expect(err).NotTo(HaveOccurred())
		rd = bytes.NewReader(raw)
	}
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, rd)
	Expect(err).NotTo(HaveOccurred())
	if withKey && s.key != "" {
		req.Header.Set("Authorization", "Bearer "+s.key)
	}
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred(), "%s %s got no answer within %s", method, path, within)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return resp.StatusCode, string(raw)
}

// healthy checks that the server still answers /_mock/health.
func (s *server) healthy() {
	status, body := s.call("GET", "/_mock/health", nil, true)
	Expect(status).To(Equal(http.StatusOK), body)
	Expect(body).To(ContainSubstring(`"ok":true`))
}

// procStatus reads one kB figure (VmRSS, VmHWM) of this process.
func procStatus(field string) int64 {
	f, err := os.Open("/proc/self/status")
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			Expect(err).NotTo(HaveOccurred())
			return kb << 10
		}
	}
	Fail("no " + field + " in /proc/self/status")
	return 0
}

// rss checks the peak resident memory against the bound and reports both.
func rss(label string) {
	cur, peak := procStatus("VmRSS"), procStatus("VmHWM")
	GinkgoWriter.Printf("RSS after %s: %d MiB (peak %d MiB, bound %d MiB)\n", label, cur>>20, peak>>20, rssBound>>20)
	AddReportEntry("RSS after "+label, fmt.Sprintf("%d MiB, peak %d MiB", cur>>20, peak>>20))
	Expect(peak).To(BeNumerically("<", rssBound), "peak RSS after %s", label)
}

// timed runs f and fails if it took longer than within.
func timed(what string, f func()) {
	began := time.Now()
	f()
	Expect(time.Since(began)).To(BeNumerically("<", within), "%s took %s", what, time.Since(began))
}
