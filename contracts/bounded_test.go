package contracts_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/contracts"
)

// hostile serves a consumer that misbehaves on every request.
func hostile(h http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(h)
	DeferCleanup(srv.Close)
	return srv
}

// hang never answers. It reads the body first: only then does the server
// notice that the verifier hung up, and end the request.
func hang(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
}

// tightContract is the fixture contract on one event with short bounds,
// so that a consumer that never answers costs a fraction of a second.
func tightContract(base string) *contracts.Contract {
	c := fixtureContract(base)
	c.Events = []string{"calltransfer.triggered"}
	c.Deadline, c.Timeout = 50*time.Millisecond, 200*time.Millisecond
	c.Clauses.DuplicateSafe.IdempotencyProbe = nil
	return c
}

// only skips every clause but one, for tests about one exchange.
func only(c *contracts.Contract, id string) *contracts.Contract {
	for _, other := range contracts.ClauseIDs() {
		if other != id {
			c.Clauses.Skip = append(c.Clauses.Skip, other)
		}
	}
	return c
}

// timed runs Verify and says how long it took.
func timed(ctx context.Context, c *contracts.Contract) (contracts.Report, time.Duration) {
	start := time.Now()
	rep := contracts.Verify(ctx, c)
	return rep, time.Since(start)
}

var _ = Describe("a hostile consumer cannot hang the verifier", func() {
	It("bounds a consumer that never answers by the timeout", func() {
		srv := hostile(hang)
		rep, took := timed(context.Background(), tightContract(srv.URL))
		// 12 requests of at most 200 ms, 8 at a time.
		Expect(took).To(BeNumerically("<", 3*time.Second))
		Expect(rep.Failures()).NotTo(BeEmpty())
		for _, r := range rep.Results {
			if r.Verdict == contracts.VerdictSkip {
				continue
			}
			Expect(r.Verdict).To(Equal(contracts.VerdictFail))
			Expect(r.Reason).To(ContainSubstring("no answer after"))
			Expect(r.Reason).To(ContainSubstring("(no response within 200ms)"))
		}
	})

	It("stops when its context ends, and says which cases did not run", func() {
		srv := hostile(hang)
		c := tightContract(srv.URL)
		c.Timeout, c.Concurrency = 10*time.Second, 1
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		rep, took := timed(ctx, c)
		Expect(took).To(BeNumerically("<", 3*time.Second))
		var notRun, cut int
		for _, r := range rep.Results {
			switch {
			case r.Reason == "not run: the verification ran out of time":
				notRun++
			case strings.HasPrefix(r.Reason, "cut short (context deadline exceeded)"):
				cut++
			}
		}
		Expect(cut).To(Equal(1))
		Expect(notRun).To(BeNumerically(">", 5))
		Expect(rep).NotTo(contracts.Pass())
	})

	It("reports connection resets as evidence", func() {
		srv := hostile(func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			Expect(err).NotTo(HaveOccurred())
			// Linger 0 makes Close send a TCP reset instead of a FIN.
			_ = conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
		})
		rep, took := timed(context.Background(), only(tightContract(srv.URL), contracts.ClauseProbe))
		Expect(took).To(BeNumerically("<", 3*time.Second))
		probe := rep.Clause(contracts.ClauseProbe)[0]
		Expect(probe.Verdict).To(Equal(contracts.VerdictFail))
		Expect(probe.Evidence[0].Status).To(BeZero())
		Expect(probe.Evidence[0].Error).To(Or(ContainSubstring("connection reset"), ContainSubstring("EOF")))
	})

	It("reads at most the body limit of a huge response", func() {
		srv := hostile(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusOK)
			chunk := []byte(strings.Repeat("x", 32<<10))
			for {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		})
		c := only(tightContract(srv.URL), contracts.ClauseAcceptsValid)
		c.Timeout, c.BodyLimit = 5*time.Second, 1<<10
		rep, took := timed(context.Background(), c)
		Expect(took).To(BeNumerically("<", 5*time.Second))
		valid := rep.Clause(contracts.ClauseAcceptsValid)[0]
		Expect(valid.Evidence[0].Status).To(Equal(http.StatusOK))
		Expect(valid.Evidence[0].BodyTruncated).To(BeTrue())
		Expect(len(valid.Evidence[0].Body)).To(BeNumerically("<=", 1<<10))
	})

	It("bounds a body that drips forever by the timeout, and does not count it as an answer", func() {
		srv := hostile(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusOK)
			for {
				if _, err := w.Write([]byte("x")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		})
		c := only(tightContract(srv.URL), contracts.ClauseAcceptsValid)
		c.Timeout = time.Second
		rep, took := timed(context.Background(), c)
		Expect(took).To(BeNumerically("<", 3*time.Second))
		valid := rep.Clause(contracts.ClauseAcceptsValid)[0]
		Expect(valid.Verdict).To(Equal(contracts.VerdictFail))
		Expect(valid.Reason).To(MatchRegexp(`want 200 within 50ms, got 200 in .*, then reading the response: `))
	})
})
