package mockserver_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/mockserver"
)

var _ = Describe("a trigger whose caller has gone", func() {
	It("generates nothing and delivers nothing", func() {
		r := newRig(mockserver.Options{Seed: 7}, nil, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := r.srv.Trigger(ctx, "calltransfer.triggered")
		Expect(err).To(MatchError(context.Canceled))
		Consistently(r.events, 200*time.Millisecond).Should(BeEmpty())

		t, err := r.srv.Trigger(context.Background(), "calltransfer.triggered")
		Expect(err).NotTo(HaveOccurred())
		Expect(t.Deliveries).To(HaveLen(1))
	})
})
