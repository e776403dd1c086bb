package mockserver_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/spec"
)

// dailySignature recomputes Daily's signature independently of the code
// under test: base64(HMAC-SHA256(base64-decode(secret), ts + "." + body)).
func dailySignature(secret, ts string, body []byte) string {
	key, err := base64.StdEncoding.DecodeString(secret)
	Expect(err).NotTo(HaveOccurred())
	m := hmac.New(sha256.New, key)
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func settle(srv *mockserver.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	Expect(srv.Settle(ctx)).To(Succeed())
}

// register creates a webhook through the real management API.
func register(srv *mockserver.Server, body map[string]any) map[string]any {
	status, hook, raw := api("POST", srv.URL+"/v1/webhooks", token, body)
	Expect(status).To(Equal(http.StatusOK), string(raw))
	return hook
}

var _ = Describe("delivery", func() {
	var ctx context.Context
	BeforeEach(func() { ctx = context.Background() })

	It("POSTs generated events, signed the way Daily signs them", func() {
		srv, err := mockserver.New(mockserver.Options{Seed: 42})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		c := newConsumer(nil)
		defer c.Close()
		hook := register(srv, map[string]any{"url": c.URL})

		daily, _ := spec.Default()
		for _, e := range daily.Events {
			t, err := srv.Trigger(ctx, e.Name)
			Expect(err).NotTo(HaveOccurred())
			Expect(t.Deliveries).To(HaveLen(1))
		}
		settle(srv)
		reqs := c.requests()[1:] // after the probe
		Expect(reqs).To(HaveLen(len(daily.Events)))
		for _, r := range reqs {
			Expect(r.Header.Get("Content-Type")).To(Equal("application/json"))
			ts := r.Header.Get("X-Webhook-Timestamp")
			Expect(ts).To(MatchRegexp(`^[0-9]{10}$`))
			Expect(r.Header.Get("X-Webhook-Signature")).To(Equal(dailySignature(hook["hmac"].(string), ts, r.Body)))
			var ev map[string]any
			Expect(json.Unmarshal(r.Body, &ev)).To(Succeed())
			e, ok := daily.EventByType(ev["type"].(string))
			Expect(ok).To(BeTrue())
			vs, err := daily.Validate(e, r.Body)
			Expect(err).NotTo(HaveOccurred())
			Expect(vs).To(BeEmpty())
		}
		for _, d := range srv.Deliveries() {
			Expect(d.Status).To(Equal(mockserver.StatusDelivered))
			Expect(d.Attempts).To(HaveLen(1))
			Expect(d.Attempts[0].Response.Status).To(Equal(200))
			Expect(d.Attempts[0].Request.Body).NotTo(BeEmpty())
		}
	})

	It("signs with Standard Webhooks when the webhook asks for it", func() {
		srv, err := mockserver.New(mockserver.Options{})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		c := newConsumer(nil)
		defer c.Close()
		secret := "whsec_" + base64.StdEncoding.EncodeToString([]byte("standard webhooks test key 1234"))
		register(srv, map[string]any{"url": c.URL, "hmac": secret, "signing": "standard"})
		t, err := srv.Trigger(ctx, "calltransfer.answered")
		Expect(err).NotTo(HaveOccurred())
		settle(srv)
		r := c.requests()[1]
		Expect(r.Header.Get("webhook-id")).To(Equal(t.ID))
		ts := r.Header.Get("webhook-timestamp")
		key, _ := base64.StdEncoding.DecodeString(secret[len("whsec_"):])
		m := hmac.New(sha256.New, key)
		m.Write([]byte(t.ID + "." + ts + "." + string(r.Body)))
		Expect(r.Header.Get("webhook-signature")).To(Equal("v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))))
	})

	It("sends basicAuth verbatim as Authorization: Basic", func() {
		srv, err := mockserver.New(mockserver.Options{})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		c := newConsumer(nil)
		defer c.Close()
		register(srv, map[string]any{"url": c.URL, "basicAuth": "dXNlcjpwYXNz"})
		_, err = srv.Trigger(ctx, "calltransfer.triggered")
		Expect(err).NotTo(HaveOccurred())
		settle(srv)
		for _, r := range c.requests() {
			Expect(r.Header.Get("Authorization")).To(Equal("Basic dXNlcjpwYXNz"))
		}
	})

	It("sends only the subscribed event types", func() {
		srv, err := mockserver.New(mockserver.Options{})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		c := newConsumer(nil)
		defer c.Close()
		register(srv, map[string]any{"url": c.URL, "eventTypes": []string{"calltransfer.completed"}})
		for _, t := range []string{"calltransfer.triggered", "calltransfer.completed", "calltransfer.answered"} {
			_, err := srv.Trigger(ctx, t)
			Expect(err).NotTo(HaveOccurred())
		}
		settle(srv)
		reqs := c.requests()[1:]
		Expect(reqs).To(HaveLen(1))
		Expect(string(reqs[0].Body)).To(ContainSubstring(`"type":"calltransfer.completed"`))
	})

	It("flips the circuit breaker after exactly 3 failures, and an update re-activates it", func() {
		srv, err := mockserver.New(mockserver.Options{})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		failing := true
		c := newConsumer(func(int, *http.Request, []byte) int {
			if failing {
				return http.StatusInternalServerError
			}
			return http.StatusOK
		})
		defer c.Close()
		hook := register(srv, map[string]any{"url": c.URL})
		id := hook["uuid"].(string)

		for i := range 2 {
			_, err := srv.Trigger(ctx, "calltransfer.triggered")
			Expect(err).NotTo(HaveOccurred())
			settle(srv)
			_, got, _ := api("GET", srv.URL+"/v1/webhooks/"+id, token, nil)
			Expect(got["state"]).To(Equal("ACTIVE"), "after %d failures", i+1)
			Expect(got["failedCount"]).To(BeNumerically("==", i+1))
		}
		_, err = srv.Trigger(ctx, "calltransfer.triggered")
		Expect(err).NotTo(HaveOccurred())
		settle(srv)
		_, got, _ := api("GET", srv.URL+"/v1/webhooks/"+id, token, nil)
		Expect(got["state"]).To(Equal("FAILED"))
		Expect(got["failedCount"]).To(BeNumerically("==", 3))

		// While FAILED, events are recorded as skipped and not sent.
		before := len(c.requests())
		t, err := srv.Trigger(ctx, "calltransfer.initiated")
		Expect(err).NotTo(HaveOccurred())
		settle(srv)
		Expect(c.requests()).To(HaveLen(before))
		Expect(srv.Deliveries(mockserver.Filter{EventID: t.ID})[0].Status).To(Equal(mockserver.StatusSkipped))
		dropped := srv.Deliveries(mockserver.Filter{Status: mockserver.StatusDropped})
		Expect(dropped).To(HaveLen(3), "circuit-breaker failures are not retried")
		for _, d := range dropped {
			Expect(d.Attempts).To(HaveLen(1))
		}

		failing = false
		status, upd, _ := api("POST", srv.URL+"/v1/webhooks/"+id, token, map[string]any{"url": c.URL})
		Expect(status).To(Equal(http.StatusOK))
		Expect(upd["state"]).To(Equal("ACTIVE"))
		Expect(upd["failedCount"]).To(BeNumerically("==", 0))
		_, err = srv.Trigger(ctx, "calltransfer.answered")
		Expect(err).NotTo(HaveOccurred())
		settle(srv)
		Expect(srv.Deliveries(mockserver.Filter{Status: mockserver.StatusDelivered})).To(HaveLen(1))
	})

	It("resets failedCount on a success, so intermittent failures do not flip the breaker", func() {
		srv, err := mockserver.New(mockserver.Options{})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		c := newConsumer(func(n int, _ *http.Request, _ []byte) int {
			if n%3 == 2 {
				return http.StatusOK
			}
			return http.StatusServiceUnavailable
		})
		defer c.Close()
		hook := register(srv, map[string]any{"url": c.URL})
		for range 9 {
			_, err := srv.Trigger(ctx, "calltransfer.triggered")
			Expect(err).NotTo(HaveOccurred())
			settle(srv)
		}
		got, _ := srv.Webhook(hook["uuid"].(string))
		Expect(got.State).To(Equal("ACTIVE"))
		Expect(got.FailedCount).To(Equal(0))
	})

	It("retries exponentially under the virtual clock: 5 retries, then a drop", func() {
		start := time.Now().Truncate(time.Second)
		clock := clock.NewVirtual(start)
		srv, err := mockserver.New(mockserver.Options{Clock: clock})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		c := newConsumer(func(int, *http.Request, []byte) int { return http.StatusBadGateway })
		defer c.Close()
		hook := register(srv, map[string]any{"url": c.URL, "retryType": "exponential"})
		t, err := srv.Trigger(ctx, "calltransfer.completed")
		Expect(err).NotTo(HaveOccurred())

		waits := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute}
		for i, wait := range waits {
			Eventually(func() int { return len(srv.Deliveries()[0].Attempts) }).Should(Equal(i + 1))
			Eventually(func() mockserver.Status { return srv.Deliveries()[0].Status }).Should(Equal(mockserver.StatusRetrying))
			d := srv.Deliveries()[0]
			Expect(*d.NextAttemptAt).To(Equal(clock.Now().Add(wait).UTC()), "retry %d", i+1)
			clock.Advance(wait - time.Second)
			Consistently(func() int { return len(srv.Deliveries()[0].Attempts) }, 50*time.Millisecond).Should(Equal(i + 1))
			clock.Advance(time.Second)
		}
		settle(srv)
		d := srv.Deliveries()[0]
		Expect(d.EventID).To(Equal(t.ID))
		Expect(d.Status).To(Equal(mockserver.StatusDropped))
		Expect(d.Attempts).To(HaveLen(6))
		Expect(d.Attempts[5].At.Sub(d.Attempts[0].At)).To(Equal(30 * time.Minute))
		got, _ := srv.Webhook(hook["uuid"].(string))
		Expect(got.State).To(Equal("ACTIVE"), "exponential never circuit-breaks")
		Expect(got.FailedCount).To(Equal(6))
		Expect(c.requests()).To(HaveLen(7)) // the probe and six attempts
	})

	It("accounts for every event of a flaky consumer in exactly one terminal state", func() {
		clock := clock.NewVirtual(time.Now().Truncate(time.Second))
		srv, err := mockserver.New(mockserver.Options{Clock: clock, AllowMultipleWebhooks: true, Seed: 3})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		rng := rand.New(rand.NewPCG(1, 2))
		var mu = make(chan struct{}, 1)
		flaky := newConsumer(func(int, *http.Request, []byte) int {
			mu <- struct{}{}
			fail := rng.Float64() < 0.3
			<-mu
			if fail {
				return http.StatusInternalServerError
			}
			return http.StatusOK
		})
		defer flaky.Close()
		cb := register(srv, map[string]any{"url": flaky.URL + "/cb"})["uuid"].(string)
		ex := register(srv, map[string]any{"url": flaky.URL + "/ex", "retryType": "exponential"})["uuid"].(string)

		daily, _ := spec.Default()
		ids := map[string]bool{}
		for i := range 1000 {
			t, err := srv.Trigger(ctx, daily.Events[i%len(daily.Events)].Name)
			Expect(err).NotTo(HaveOccurred())
			Expect(ids).NotTo(HaveKey(t.ID))
			ids[t.ID] = true
		}
		// Run the retry schedule to its end on the virtual clock.
		Eventually(func() error {
			clock.Advance(15 * time.Minute)
			sctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
			return srv.Settle(sctx)
		}, 20*time.Second, time.Millisecond).Should(Succeed())

		perHook := map[string]map[string]mockserver.Status{cb: {}, ex: {}}
		for _, d := range srv.Deliveries() {
			Expect(d.Status.Terminal()).To(BeTrue(), d.ID)
			Expect(perHook[d.WebhookUUID]).NotTo(HaveKey(d.EventID), "one record per webhook and event")
			perHook[d.WebhookUUID][d.EventID] = d.Status
		}
		for hookID, events := range perHook {
			Expect(events).To(HaveLen(1000), hookID)
		}
		count := func(hookID string, st mockserver.Status) int {
			n := 0
			for _, s := range perHook[hookID] {
				if s == st {
					n++
				}
			}
			return n
		}
		Expect(count(ex, mockserver.StatusDelivered)).To(BeNumerically(">", 990), "six tries at 30%% failure lose about 1 in 1,400")
		Expect(count(cb, mockserver.StatusSkipped)).To(BeNumerically(">", 0), "at 30%% failures, three in a row flip the breaker")
		GinkgoWriter.Printf("circuit-breaker: %d delivered, %d dropped, %d skipped; exponential: %d delivered, %d dropped\n",
			count(cb, mockserver.StatusDelivered), count(cb, mockserver.StatusDropped), count(cb, mockserver.StatusSkipped),
			count(ex, mockserver.StatusDelivered), count(ex, mockserver.StatusDropped))
	})
})
