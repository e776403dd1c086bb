package hostile_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/cmd"
)

const key = "hostile-suite-key"

// config keeps the connection timeouts short so that the slow and idle
// cases finish in seconds; every other limit is at its default except the
// live-delivery cap, lowered so that reaching it is quick.
const config = `
server:
  readHeaderTimeout: 2s
  readTimeout: 2s
  idleTimeout: 2s
limits:
  maxLiveDeliveries: 2000
webhooks:
  allowMultiple: true
  failureThreshold: 1000
`

// controlRoutes reach every handler of the control API.
var controlRoutes = [][2]string{
	{"POST", "/_mock/events"}, {"GET", "/_mock/deliveries"}, {"DELETE", "/_mock/deliveries"},
	{"POST", "/_mock/clock/advance"}, {"GET", "/_mock/clock"},
	{"GET", "/_mock/schedules"}, {"POST", "/_mock/schedules"}, {"DELETE", "/_mock/schedules/sch_1"},
	{"GET", "/_mock/scenarios"}, {"GET", "/_mock/scenarios/sip-refer"}, {"PUT", "/_mock/scenarios/mine"},
	{"POST", "/_mock/scenarios/sip-refer/run"}, {"GET", "/_mock/scenarios/runs"}, {"GET", "/_mock/scenarios/runs/run_1"},
	{"GET", "/_mock/action-errors"}, {"POST", "/_mock/action-errors"}, {"DELETE", "/_mock/action-errors"},
	{"GET", "/_mock/anything"},
}

// onMany opens n connections to addr and runs f on each as soon as it is
// open, all at once (at most 200 dials at a time, so that the listen
// backlog holds), and collects the failures. first, when given, runs under
// the dial limit; f runs beyond it, so that all n are open together.
func onMany(addr string, n int, first, f func(net.Conn) error) []error {
	var mu sync.Mutex
	var errs []error
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	sem := make(chan struct{}, 200)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			c, err := net.DialTimeout("tcp", addr, within)
			if err == nil && first != nil {
				err = first(c)
			}
			<-sem
			if err != nil {
				fail(err)
				return
			}
			defer c.Close()
			if err := f(c); err != nil {
				fail(err)
			}
		}()
	}
	wg.Wait()
	return errs
}

// closedWithin reads until the server closes c, or fails after d.
func closedWithin(c net.Conn, r io.Reader, d time.Duration) error {
	_ = c.SetReadDeadline(time.Now().Add(d))
	if _, err := io.Copy(io.Discard, r); err != nil {
		return fmt.Errorf("still open after %s: %w", d, err)
	}
	return nil
}

// bigHeaders is a consumer that answers every event (not the probe) with
// 8 MiB of response headers, all written from one shared buffer so that
// the consumer itself costs no memory per answer.
func bigHeaders() *httptest.Server {
	var pad strings.Builder
	pad.WriteString("HTTP/1.1 200 OK\r\n")
	for pad.Len() < 8<<20 {
		fmt.Fprintf(&pad, "X-Pad-%07d: %s\r\n", pad.Len(), strings.Repeat("h", 1000))
	}
	pad.WriteString("Content-Length: 0\r\n\r\n")
	answer := []byte(pad.String())
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if string(body) == `{"test":"test"}` {
			return
		}
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_ = conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
		_, _ = conn.Write(answer)
	}))
}

var _ = Describe("a real hookmock serve under hostile input", Ordered, func() {
	var s *server
	BeforeAll(func() {
		s = serve(config, "--api-key", key)
		DeferCleanup(s.stop)
		rss("start")
	})
	AfterEach(func() {
		s.healthy()
	})

	It("answers 401 on every /_mock/* route without the key, and health shows no seed", func() {
		for _, r := range controlRoutes {
			timed(r[0]+" "+r[1], func() {
				status, body := s.call(r[0], r[1], "{}", false)
				Expect(status).To(Equal(http.StatusUnauthorized), "%s %s: %s", r[0], r[1], body)
			})
		}
		status, body := s.call("GET", "/_mock/health", nil, false)
		Expect(status).To(Equal(http.StatusOK))
		Expect(body).NotTo(ContainSubstring("seed"))
		_, body = s.call("GET", "/_mock/health", nil, true)
		Expect(body).To(ContainSubstring(`"seed"`))
	})

	It("refuses a scenario whose YAML holds an alias cycle, or a billion laughs", func() {
		cycle := "name: cyc\ndescription: d\nsteps:\n  - event: calltransfer.triggered\n    set: &m {payload.room: *m}\n"
		laughs := "name: lol\ndescription: d\nvars:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
		prev := "a"
		for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
			laughs += fmt.Sprintf("  %s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n", n, n, prev, prev, prev, prev, prev, prev, prev, prev, prev)
			prev = n
		}
		laughs += "steps:\n  - event: calltransfer.triggered\n    set: {payload.room: *i}\n"
		for name, doc := range map[string]string{"cyc": cycle, "lol": laughs} {
			timed("PUT scenario "+name, func() {
				status, body := s.call("PUT", "/_mock/scenarios/"+name, doc, true)
				Expect(status).To(Equal(http.StatusBadRequest), body)
			})
		}
		rss("YAML bombs")
	})

	It("refuses a webhook to a link-local address with a 400 naming the outbound policy", func() {
		for _, u := range []string{"http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://metadata.google.internal/"} {
			timed("webhook "+u, func() {
				status, body := s.call("POST", "/v1/webhooks", map[string]any{"url": u}, true)
				Expect(status).To(Equal(http.StatusBadRequest), body)
				Expect(body).To(ContainSubstring("outbound policy"))
			})
		}
	})

	It("refuses a delay of 2562047h with duplicate 100, recording nothing", func() {
		before := countDeliveries(s)
		timed("huge delay", func() {
			status, body := s.call("POST", "/_mock/events", map[string]any{"type": "calltransfer.triggered",
				"faults": []any{map[string]any{"kind": "delay", "gap": "2562047h"}, map[string]any{"kind": "duplicate", "count": 100}}}, true)
			Expect(status).To(Equal(http.StatusBadRequest), body)
			Expect(body).To(ContainSubstring("limits.maxWait"))
		})
		Expect(countDeliveries(s)).To(Equal(before))
	})

	It("refuses 40,000 set keys", func() {
		set := map[string]any{}
		for i := range 40_000 {
			set[fmt.Sprintf("payload.k%d", i)] = i
		}
		timed("40,000 set keys", func() {
			status, body := s.call("POST", "/_mock/events", map[string]any{"type": "calltransfer.triggered", "set": set}, true)
			Expect(status).To(Equal(http.StatusBadRequest), body)
			Expect(body).To(ContainSubstring("limits.maxSetKeys"))
		})
		rss("40,000 set keys")
	})

	It("refuses schedules faster than the rate cap or with unbounded jitter", func() {
		for _, bad := range []map[string]any{
			{"event": "calltransfer.triggered", "every": "1ns"},
			{"event": "calltransfer.triggered", "rate": "100/s", "jitter": "2562047h"},
			{"event": "calltransfer.triggered", "rate": "1e9/s"},
		} {
			timed(fmt.Sprint(bad), func() {
				status, body := s.call("POST", "/_mock/schedules", bad, true)
				Expect(status).To(Equal(http.StatusBadRequest), body)
			})
		}
		status, body := s.call("GET", "/_mock/schedules", nil, true)
		Expect(status).To(Equal(http.StatusOK))
		Expect(body).To(ContainSubstring(`"schedules":[]`))
	})

	It("refuses bodies past log.maxRequestBody and headers past server.maxHeaderBytes", func() {
		timed("2 MiB body", func() {
			status, body := s.call("POST", "/_mock/events", `{"type":"`+strings.Repeat("x", 2<<20)+`"}`, true)
			Expect(status).To(Equal(http.StatusRequestEntityTooLarge), body)
			Expect(body).To(ContainSubstring("log.maxRequestBody"))
		})
		timed("2 MiB scenario", func() {
			status, _ := s.call("PUT", "/_mock/scenarios/big", strings.Repeat("#", 2<<20), true)
			Expect(status).To(Equal(http.StatusRequestEntityTooLarge))
		})
		timed("1 MiB header", func() {
			req, _ := http.NewRequest("GET", s.base+"/_mock/health", nil)
			req.Header.Set("X-Big", strings.Repeat("h", 1<<20))
			resp, err := http.DefaultClient.Do(req)
			Expect(err).NotTo(HaveOccurred())
			resp.Body.Close()
			Expect(resp.StatusCode).To(Equal(http.StatusRequestHeaderFieldsTooLarge))
		})
	})

	It("answers 408 to a thousand slow-body connections within 5 s, and closes slow-header ones", func() {
		addr := strings.TrimPrefix(s.base, "http://")
		sendHeaders := func(c net.Conn) error {
			_, err := fmt.Fprintf(c, "POST /_mock/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"type\":", key)
			return err
		}
		errs := onMany(addr, 1000, sendHeaders, func(c net.Conn) error {
			sent := time.Now()
			_ = c.SetReadDeadline(sent.Add(within))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				return fmt.Errorf("no answer within %s: %w", within, err)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), "server.readTimeout") {
				return fmt.Errorf("got %d %s", resp.StatusCode, body)
			}
			if d := time.Since(sent); d > within {
				return fmt.Errorf("408 after %s", d)
			}
			return nil
		})
		Expect(errs).To(BeEmpty())

		errs = onMany(addr, 200, func(c net.Conn) error {
			_, err := io.WriteString(c, "GET /_mock/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
			return err
		}, func(c net.Conn) error { return closedWithin(c, c, within) })
		Expect(errs).To(BeEmpty())
		rss("slow connections")
	})

	It("closes three thousand idle keep-alive connections within 5 s of their last answer", func() {
		var answered atomic.Int64
		readers := sync.Map{}
		errs := onMany(strings.TrimPrefix(s.base, "http://"), 3000, func(c net.Conn) error {
			if _, err := fmt.Fprintf(c, "GET /_mock/health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", key); err != nil {
				return err
			}
			_ = c.SetReadDeadline(time.Now().Add(within))
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				return fmt.Errorf("health: %w", err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("health: %d", resp.StatusCode)
			}
			answered.Add(1)
			readers.Store(c, br)
			return nil
		}, func(c net.Conn) error {
			br, _ := readers.Load(c)
			return closedWithin(c, br.(*bufio.Reader), within)
		})
		Expect(errs).To(BeEmpty())
		Expect(answered.Load()).To(BeEquivalentTo(3000))
		rss("idle connections")
	})

	It("keeps memory bounded with a consumer answering 8 MiB of headers to 100 deliveries", func() {
		c := bigHeaders()
		defer c.Close()
		status, body := s.call("POST", "/v1/webhooks", map[string]any{"url": c.URL}, true)
		Expect(status).To(Equal(http.StatusOK), body)
		var hook struct{ UUID string }
		Expect(json.Unmarshal([]byte(body), &hook)).To(Succeed())
		for range 100 {
			status, body := s.call("POST", "/_mock/events", map[string]any{"type": "calltransfer.triggered"}, true)
			Expect(status).To(Equal(http.StatusOK), body)
		}
		var log struct {
			Deliveries []struct {
				Status   string
				Attempts []struct{ Error string }
			}
		}
		Eventually(func() int {
			_, raw := s.call("GET", "/_mock/deliveries?limit=1000&webhook="+hook.UUID, nil, true)
			Expect(json.Unmarshal([]byte(raw), &log)).To(Succeed())
			terminal := 0
			for _, d := range log.Deliveries {
				if d.Status == "dropped" || d.Status == "delivered" {
					terminal++
				}
			}
			return terminal
		}).Should(Equal(100))
		_, raw := s.call("GET", "/_mock/deliveries?limit=1000&webhook="+hook.UUID, nil, true)
		GinkgoWriter.Printf("GET /_mock/deliveries of the 100: %d bytes\n", len(raw))
		AddReportEntry("delivery log of 100 deliveries to an 8 MiB-header consumer", fmt.Sprintf("%d bytes", len(raw)))
		Expect(len(raw)).To(BeNumerically("<", 2<<20))
		for _, d := range log.Deliveries {
			Expect(d.Status).To(Equal("dropped"))
			Expect(d.Attempts[0].Error).To(ContainSubstring("response headers exceeded"))
		}
		s.call("DELETE", "/v1/webhooks/"+hook.UUID, nil, true)
		rss("8 MiB response headers")
	})

	It("logs no URL user-info and no Authorization value", func() {
		c := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		defer c.Close()
		withUser := strings.Replace(c.URL, "http://", "http://alice:hunter2@", 1)
		status, body := s.call("POST", "/v1/webhooks", map[string]any{"url": withUser, "basicAuth": "YWxpY2U6aHVudGVyMg=="}, true)
		Expect(status).To(Equal(http.StatusOK), body)
		var hook struct{ UUID string }
		Expect(json.Unmarshal([]byte(body), &hook)).To(Succeed())
		defer s.call("DELETE", "/v1/webhooks/"+hook.UUID, nil, true)
		Eventually(s.stderr.String).Should(ContainSubstring(`"url":"http://redacted@127.0.0.1`))
		for _, secret := range []string{"hunter2", "alice:", "YWxpY2U6aHVudGVyMg"} {
			Expect(s.stderr.String()).NotTo(ContainSubstring(secret))
		}
	})

	// Last: it leaves the server at its live-delivery cap.
	It("answers 429 past limits.maxLiveDeliveries and records nothing of the refused events", func() {
		c := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		defer c.Close()
		status, body := s.call("POST", "/v1/webhooks", map[string]any{"url": c.URL}, true)
		Expect(status).To(Equal(http.StatusOK), body)
		before := countDeliveries(s)
		accepted, refused := 0, 0
		for range 30 {
			timed("a 24h-delayed event with 100 duplicates", func() {
				status, body := s.call("POST", "/_mock/events", map[string]any{"type": "calltransfer.triggered", "faults": "delay:24h,dup:100"}, true)
				switch status {
				case http.StatusOK:
					accepted++
				case http.StatusTooManyRequests:
					refused++
					Expect(body).To(ContainSubstring("limits.maxLiveDeliveries"))
				default:
					Fail(fmt.Sprintf("%d %s", status, body))
				}
			})
		}
		Expect(accepted).To(Equal(2000 / 101))
		Expect(refused).To(Equal(30 - accepted))
		Expect(countDeliveries(s) - before).To(Equal(accepted * 101))
		rss("live-delivery cap")
	})
})

// countDeliveries is how many records the delivery log keeps, from health.
func countDeliveries(s *server) int {
	status, raw := s.call("GET", "/_mock/health", nil, true)
	Expect(status).To(Equal(http.StatusOK), raw)
	var h struct {
		Store struct{ Kept int }
	}
	Expect(json.Unmarshal([]byte(raw), &h)).To(Succeed())
	return h.Store.Kept
}

var _ = Describe("hookmock serve start-up", func() {
	It("exits 2 naming the setting for a queue of 1e9 or five million workers, without allocating them", func() {
		for _, c := range []struct{ yaml, want string }{
			{"delivery:\n  queue: 1000000000\n", "delivery.queue"},
			{"delivery:\n  workers: 5000000\n", "delivery.workers"},
		} {
			path := GinkgoT().TempDir() + "/hookmock.yaml"
			Expect(os.WriteFile(path, []byte(c.yaml), 0o600)).To(Succeed())
			var out, errOut syncBuffer
			timed(c.want, func() {
				code := cmd.RunWithInput(GinkgoT().Context(), []string{"serve", "--addr", "127.0.0.1:0", "--store", "memory", "--config", path}, strings.NewReader(""), &out, &errOut)
				Expect(code).To(Equal(cmd.ExitUsage))
			})
			Expect(errOut.String()).To(ContainSubstring(c.want))
		}
		rss("queue and worker settings")
	})

	It("warns when it listens beyond loopback without a key, and takes the key from HOOKMOCK_API_KEY", func() {
		open := serve("", "--addr", "0.0.0.0:0")
		Expect(open.stderr.String()).To(ContainSubstring("warning"))
		Expect(open.stderr.String()).To(ContainSubstring("not a loopback address"))
		open.stop()

		quiet := serve("")
		Expect(quiet.stderr.String()).NotTo(ContainSubstring("warning"))
		quiet.stop()

		os.Setenv("HOOKMOCK_API_KEY", "from-env")
		DeferCleanup(os.Unsetenv, "HOOKMOCK_API_KEY")
		env := serve("")
		defer env.stop()
		status, _ := env.call("GET", "/_mock/deliveries", nil, false)
		Expect(status).To(Equal(http.StatusUnauthorized))
		env.key = "from-env"
		status, _ = env.call("GET", "/_mock/deliveries", nil, true)
		Expect(status).To(Equal(http.StatusOK))
	})
})
