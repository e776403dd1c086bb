package mockserver_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/scenario"
)

// backoff is where Daily's exponential attempts fall after the first:
// gaps of 1, 2, 4, 8 and 15 minutes.
var backoff = []time.Duration{0, time.Minute, 3 * time.Minute, 7 * time.Minute, 15 * time.Minute, 30 * time.Minute}

// expectExactBackoff checks, without waiting for anything, that the one
// delivery made all six attempts at their own due times and was dropped,
// and that the consumer saw each one signed at that time.
func expectExactBackoff(d mockserver.Delivery, c *consumer, secret string, start time.Time) {
	Expect(d.Status).To(Equal(mockserver.StatusDropped))
	Expect(d.Attempts).To(HaveLen(len(backoff)))
	for i, a := range d.Attempts {
		Expect(a.At).To(Equal(start.Add(backoff[i]).UTC()), "attempt %d", i+1)
	}
	var seen []int64
	for _, r := range c.requests() {
		if string(r.Body) == `{"test":"test"}` {
			continue
		}
		ts := r.Header.Get("X-Webhook-Timestamp")
		Expect(r.Header.Get("X-Webhook-Signature")).To(Equal(dailySignature(secret, ts, r.Body)))
		n, err := strconv.ParseInt(ts, 10, 64)
		Expect(err).NotTo(HaveOccurred())
		seen = append(seen, n)
		var ev struct {
			Payload struct {
				Timestamp string `json:"timestamp"` // Daily writes it as a string

			} `json:"payload"`
		}
		Expect(json.Unmarshal(r.Body, &ev)).To(Succeed())
		Expect(ev.Payload.Timestamp).To(Equal(strconv.FormatInt(start.Unix(), 10)), "the event happened once, at the trigger")
	}
	want := make([]int64, len(backoff))
	for i, b := range backoff {
		want[i] = start.Add(b).Unix()
	}
	Expect(seen).To(Equal(want), "each attempt is signed at its own due time")
}

var _ = Describe("exact virtual time", func() {
	var (
		start  time.Time
		vclock *clock.Virtual
		srv    *mockserver.Server
		c      *consumer
		hook   map[string]any
	)
	BeforeEach(func() {
		start = time.Now().Truncate(time.Second)
		vclock = clock.NewVirtual(start)
		var err error
		srv, err = mockserver.New(mockserver.Options{Clock: vclock, Seed: 15, APIKey: token})
		Expect(err).NotTo(HaveOccurred())
		c = newConsumer(func(int, *http.Request, []byte) int { return http.StatusInternalServerError })
		hook = register(srv, map[string]any{"url": c.URL, "retryType": "exponential"})
	})
	AfterEach(func() {
		srv.Close()
		c.Close()
	})

	It("fires every retry that falls due inside one Advance, each at its own time", func() {
		_, err := srv.Trigger(context.Background(), "calltransfer.triggered")
		Expect(err).NotTo(HaveOccurred())
		vclock.Advance(31 * time.Minute)
		Expect(vclock.Now()).To(Equal(start.Add(31 * time.Minute)))
		ds := srv.Deliveries()
		Expect(ds).To(HaveLen(1))
		expectExactBackoff(ds[0], c, hook["hmac"].(string), start)
	})

	It("does the same through POST /_mock/clock/advance", func() {
		status, _, raw := api("POST", srv.URL+"/_mock/events", token, map[string]any{"type": "calltransfer.triggered"})
		Expect(status).To(Equal(http.StatusOK), string(raw))
		status, body, raw := api("POST", srv.URL+"/_mock/clock/advance", token, map[string]any{"by": "31m"})
		Expect(status).To(Equal(http.StatusOK), string(raw))
		Expect(body["now"]).To(Equal(start.Add(31 * time.Minute).UTC().Format(time.RFC3339)))
		status, _, raw = api("GET", srv.URL+"/_mock/deliveries", token, nil)
		Expect(status).To(Equal(http.StatusOK))
		var log mockserver.DeliveryLog
		Expect(json.Unmarshal(raw, &log)).To(Succeed())
		Expect(log.Deliveries).To(HaveLen(1))
		expectExactBackoff(log.Deliveries[0], c, hook["hmac"].(string), start)
	})

	It("drains to the end and says how much virtual time it took", func() {
		_, err := srv.Trigger(context.Background(), "calltransfer.triggered")
		Expect(err).NotTo(HaveOccurred())
		took, err := srv.Drain(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(took).To(Equal(30 * time.Minute))
		expectExactBackoff(srv.Deliveries()[0], c, hook["hmac"].(string), start)
		took, err = srv.Drain(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(took).To(BeZero(), "nothing left to drain")

		_, err = srv.Trigger(context.Background(), "calltransfer.triggered")
		Expect(err).NotTo(HaveOccurred())
		status, body, raw := api("POST", srv.URL+"/_mock/clock/drain", token, nil)
		Expect(status).To(Equal(http.StatusOK), string(raw))
		Expect(body["took"]).To(Equal("30m0s"))
	})

	It("releases a scenario's steps at their planned times, whether it waits for the clock or advances it", func() {
		c.mu.Lock()
		c.answer = nil // answer 200
		c.mu.Unlock()
		seed := uint64(11)
		// The default: the run waits for the clock, which one advance moves.
		run, err := srv.StartScenario(mustBuiltin(scenario.SIPCallTransfer), mockserver.RunOptions{Seed: &seed})
		Expect(err).NotTo(HaveOccurred())
		Expect(vclock.Now()).To(Equal(start), "a run does not move the clock by itself")
		vclock.Advance(time.Hour)
		Expect(run.Done()).To(BeClosed(), "one advance released every step")
		waited := run.Info().Events

		clock2 := clock.NewVirtual(start)
		other, err := mockserver.New(mockserver.Options{Clock: clock2, Seed: 15})
		Expect(err).NotTo(HaveOccurred())
		defer other.Close()
		register(other, map[string]any{"url": c.URL})
		advanced, err := other.RunScenario(context.Background(), scenario.SIPCallTransfer, mockserver.RunOptions{Seed: &seed, Advance: true})
		Expect(err).NotTo(HaveOccurred())

		Expect(len(waited)).To(BeNumerically(">=", 6))
		Expect(advanced.Events).To(HaveLen(len(waited)))
		at := start
		for i, e := range waited {
			at = at.Add(e.After)
			Expect(e.At).To(Equal(at.UTC()), "step %d (%s) at its planned time", i, e.Event)
			Expect(advanced.Events[i].At).To(Equal(e.At), "step %d the same when the run advances the clock", i)
		}
		Expect(clock2.Now()).To(Equal(at), "the advancing run moved the clock by the sum of its gaps")
	})
})

func mustBuiltin(name string) *scenario.Scenario {
	sc, err := scenario.Builtin(name, scenario.Options{})
	Expect(err).NotTo(HaveOccurred())
	return sc
}
