package mockserver_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
)

var _ = Describe("shutdown", func() {
	It("lets in-flight deliveries finish and records the rest as interrupted", func() {
		clock := clock.NewVirtual(time.Now().Truncate(time.Second))
		srv, err := mockserver.New(mockserver.Options{Clock: clock, Workers: 2, AllowMultipleWebhooks: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close) // a failed expectation below must not leak the server into the next spec
		release := make(chan struct{})
		slow := newConsumer(func(n int, r *http.Request, _ []byte) int {
			if r.URL.Path == "/retry" {
				return http.StatusServiceUnavailable
			}
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return http.StatusOK
		})
		defer slow.Close()
		register(srv, map[string]any{"url": slow.URL + "/slow", "eventTypes": []string{"calltransfer.triggered"}})
		register(srv, map[string]any{"url": slow.URL + "/retry", "retryType": "exponential", "eventTypes": []string{"calltransfer.answered"}})

		ctx := context.Background()
		_, err = srv.Trigger(ctx, "calltransfer.answered") // fails, then waits an hour of virtual time
		Expect(err).NotTo(HaveOccurred())
		for range 5 {
			_, err := srv.Trigger(ctx, "calltransfer.triggered")
			Expect(err).NotTo(HaveOccurred())
		}
		Eventually(func() int { return len(srv.Deliveries(mockserver.Filter{Status: mockserver.StatusRetrying})) }).Should(Equal(1))
		go func() { time.Sleep(100 * time.Millisecond); close(release) }()
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		srv.Provider.Shutdown(sctx)

		counts := map[mockserver.Status]int{}
		durable := srv.StoreBackend() != "memory"
		// What each delivery ended as, to say so should a count be off.
		var seen []string
		for _, d := range srv.Deliveries() {
			seen = append(seen, fmt.Sprintf("%s %s (%s, %d attempts)", d.ID, d.Status, d.Reason, len(d.Attempts)))
			if durable && !d.Status.Terminal() {
				// Kept for the next start, which sends it.
				Expect(d.Status).To(BeElementOf(mockserver.StatusRetrying, mockserver.StatusPending), "%s", d.ID)
			} else {
				Expect(d.Status.Terminal()).To(BeTrue(), "%s is %s", d.ID, d.Status)
			}
			counts[d.Status]++
		}
		Expect(counts[mockserver.StatusDelivered]).To(BeNumerically(">=", 2), "the two in flight finished")
		if durable {
			Expect(counts[mockserver.StatusRetrying]).To(Equal(1), "the waiting retry stays in the store for the next start")
			Expect(counts[mockserver.StatusDelivered]+counts[mockserver.StatusPending]+counts[mockserver.StatusRetrying]+counts[mockserver.StatusInterrupted]).To(Equal(6), "%q", seen)
		} else {
			Expect(counts[mockserver.StatusInterrupted]).To(BeNumerically(">=", 1), "the waiting retry is interrupted")
			Expect(counts[mockserver.StatusDelivered]+counts[mockserver.StatusInterrupted]).To(Equal(6), "%q", seen)
		}

		_, err = srv.Trigger(ctx, "calltransfer.triggered")
		Expect(err).To(MatchError(ContainSubstring("shutting down")))
	})
})
