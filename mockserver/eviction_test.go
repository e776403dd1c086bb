package mockserver_test

import (
	"context"
	"encoding/json"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/mockserver"
)

var _ = Describe("the delivery log", func() {
	It("evicts the oldest finished records past its cap, and says how many", func() {
		srv, err := mockserver.New(mockserver.Options{MaxDeliveries: 10})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		c := newConsumer(nil)
		defer c.Close()
		register(srv, map[string]any{"url": c.URL})
		var last string
		for range 30 {
			t, err := srv.Trigger(context.Background(), "calltransfer.triggered")
			Expect(err).NotTo(HaveOccurred())
			last = t.ID
			settle(srv)
		}
		kept := srv.Deliveries()
		Expect(len(kept)).To(BeNumerically("<=", 10))
		Expect(kept[len(kept)-1].EventID).To(Equal(last), "the newest record is kept")

		status, _, raw := api("GET", srv.URL+"/_mock/deliveries", "", nil)
		Expect(status).To(Equal(http.StatusOK))
		var log mockserver.DeliveryLog
		Expect(json.Unmarshal(raw, &log)).To(Succeed())
		Expect(log.Store.Cap).To(Equal(10))
		Expect(log.Store.Evicted+log.Store.Kept).To(Equal(30), "every record is either kept or counted as evicted")
		Expect(string(raw)).NotTo(ContainSubstring(`"attempts":null`))
	})

	It("sends a given body exactly as given, and refuses one that breaks the contract unless told", func() {
		srv, err := mockserver.New(mockserver.Options{})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		c := newConsumer(nil)
		defer c.Close()
		register(srv, map[string]any{"url": c.URL})
		body := `{"version":"1.0.0","type":"calltransfer.answered","id":"x","payload":{},"event_ts":1}`
		status, resp, _ := api("POST", srv.URL+"/_mock/events", "", `{"type":"calltransfer.answered","body":`+body+`}`)
		Expect(status).To(Equal(http.StatusBadRequest))
		Expect(resp["info"]).To(ContainSubstring("/payload"))

		status, _, raw := api("POST", srv.URL+"/_mock/events", "", `{"type":"calltransfer.answered","allowInvalid":true,"body":`+body+`}`)
		Expect(status).To(Equal(http.StatusOK), string(raw))
		settle(srv)
		got := c.requests()
		Expect(string(got[len(got)-1].Body)).To(Equal(body))
	})
})
