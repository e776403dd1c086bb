package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/contracts"
	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/scenario"
)

var _ = Describe("a SIP call transfer, played by the mock Daily", func() {
	var (
		vclock   *clock.Virtual
		daily    *mockserver.Server
		consumer *Handler
		ctx      context.Context
	)

	BeforeEach(func() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.Background(), 20*time.Second)
		DeferCleanup(cancel)
		// The virtual clock plays the scenario's minutes of ringing and
		// talking at once; the consumer reads the same clock, so that
		// signatures made at virtual times are fresh to it.
		vclock = clock.NewVirtual(time.Now())
		var err error
		daily, err = mockserver.New(mockserver.Options{Clock: vclock, Seed: 42})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(daily.Close)
		var srv *httptest.Server
		consumer, srv = startConsumer(Config{Now: vclock.Now})

		// Registered exactly as at Daily: the mock probes the URL first.
		hook, err := RegisterWebhook(ctx, http.DefaultClient, daily.URL+"/v1", "test-api-key",
			WebhookConfig{URL: srv.URL + "/webhooks/daily", HMAC: secret, EventTypes: transferEvents})
		Expect(err).NotTo(HaveOccurred())
		Expect(hook.State).To(Equal("ACTIVE"))
	})

	// play runs the built-in sip-call-transfer scenario for one caller's
	// session and waits until every delivery has ended.
	const session = "5f0e8a51-3c8e-4f6b-9c61-2b7d0c4e9a17"
	play := func(faults ...mockserver.Fault) {
		_, err := daily.RunScenario(ctx, "sip-call-transfer", mockserver.RunOptions{
			Vars: map[string]any{scenario.VarSessionID: session}, Faults: faults, Advance: true})
		Expect(err).NotTo(HaveOccurred())
		// A reordered delivery waits on the provider clock for later ones.
		_, err = daily.Drain(ctx)
		Expect(err).NotTo(HaveOccurred())
	}

	It("follows the transfer from triggered to completed", func() {
		play()
		tr, ok := consumer.Transfers.Transfer(session)
		Expect(ok).To(BeTrue())
		Expect(tr.Stage).To(Equal(Completed))
		Expect(tr.Seen).To(ConsistOf(Triggered, Initiated, Answered, Completed))
		Expect(tr.Room).NotTo(BeEmpty())
		Expect(tr.From).To(HavePrefix("sip:"))
		Expect(tr.IsSIPRefer).To(BeFalse())
		Expect(consumer.Transfers.Parked()).To(BeEmpty())

		// Every delivery succeeded; the room events of the scenario
		// (participant.left, dialin.stopped) were not subscribed to.
		deliveries := daily.Deliveries()
		Expect(deliveries).To(HaveLen(4))
		for _, d := range deliveries {
			Expect(d.Status).To(Equal(mockserver.StatusDelivered), d.EventType)
			Expect(d.Attempts).To(HaveLen(1))
		}
	})

	It("ends in the same state when Daily repeats and reorders deliveries", func() {
		play(mockserver.Fault{Kind: mockserver.FaultDuplicate}, mockserver.Fault{Kind: mockserver.FaultReorder})
		tr, _ := consumer.Transfers.Transfer(session)
		Expect(tr.Stage).To(Equal(Completed))
		Expect(tr.Seen).To(ConsistOf(Triggered, Initiated, Answered, Completed), "each event applied once")
		deliveries := daily.Deliveries()
		Expect(len(deliveries)).To(BeNumerically(">", 4), "the duplicates were delivered too")
		for _, d := range deliveries {
			Expect(d.Status).To(Equal(mockserver.StatusDelivered))
			Expect(consumer.Transfers.Processed(d.EventID)).To(Equal(1))
		}
	})

	It("keeps its contract in what the mock recorded", func() {
		play(mockserver.Fault{Kind: mockserver.FaultDuplicate}, mockserver.Fault{Kind: mockserver.FaultReorder})
		// The same check as `hookmock verify --deliveries` on the JSON of
		// GET /_mock/deliveries.
		resp, err := http.Get(daily.URL + "/_mock/deliveries")
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		var log mockserver.DeliveryLog
		Expect(json.NewDecoder(resp.Body).Decode(&log)).To(Succeed())
		c := loadContract()
		c.Endpoint = log.Deliveries[0].URL
		report := contracts.VerifyDeliveries(c, log)
		Expect(report).To(contracts.Pass())
		// The duplicates were judged as duplicates.
		Expect(report.Clause(contracts.ClauseDuplicateSafe)).To(ContainElement(HaveField("Verdict", contracts.VerdictPass)))
	})
})
