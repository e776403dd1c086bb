package mockserver_test

import (
	"encoding/json"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/mockserver"
)

var _ = Describe("strict control inputs", func() {
	var (
		srv  *mockserver.Server
		c    *consumer
		hook map[string]any
	)
	BeforeEach(func() {
		var err error
		srv, err = mockserver.New(mockserver.Options{Seed: 15, APIKey: token})
		Expect(err).NotTo(HaveOccurred())
		c = newConsumer(nil)
		hook = register(srv, map[string]any{"url": c.URL})
		DeferCleanup(func() {
			srv.Close()
			c.Close()
		})
	})

	It("gives POST /_mock/events the domain of the webhook they go to", func() {
		status, _, raw := api("POST", srv.URL+"/_mock/events", token, map[string]any{"type": "calltransfer.triggered"})
		Expect(status).To(Equal(http.StatusOK), string(raw))
		settle(srv)
		evs := eventsAt(c, hook["hmac"].(string))
		Expect(evs).To(HaveLen(1))
		Expect(evs[0].Payload["domain_id"]).To(Equal(hook["domainId"]))
	})

	It("refuses an override key the event does not declare, with a did-you-mean, and adds one marked +", func() {
		status, m, raw := api("POST", srv.URL+"/_mock/events", token, map[string]any{"type": "calltransfer.triggered", "set": map[string]any{"payload.rooom": "x"}})
		Expect(status).To(Equal(http.StatusBadRequest), string(raw))
		Expect(m["info"]).To(ContainSubstring(`did you mean "room"`))
		Expect(m["info"]).To(ContainSubstring("+payload.rooom"))

		status, m, raw = api("POST", srv.URL+"/_mock/events", token, map[string]any{"type": "calltransfer.triggered", "set": map[string]any{"+payload.extra": "x"}})
		Expect(status).To(Equal(http.StatusOK), string(raw))
		var ev struct {
			Payload map[string]any `json:"payload"`
		}
		Expect(json.Unmarshal(must(json.Marshal(m["event"])), &ev)).To(Succeed())
		Expect(ev.Payload).To(HaveKeyWithValue("extra", "x"))

		status, m, raw = api("POST", srv.URL+"/_mock/scenarios/sip-refer/run", token, map[string]any{"set": map[string]any{"*": map[string]any{"payload.rooom": "x"}}})
		Expect(status).To(Equal(http.StatusBadRequest), string(raw))
		Expect(m["info"]).To(ContainSubstring(`did you mean "room"`))
	})

	It("refuses a schedule with no bound unless it says unbounded", func() {
		status, m, raw := api("POST", srv.URL+"/_mock/schedules", token, map[string]any{"event": "calltransfer.triggered", "rate": "50/s"})
		Expect(status).To(Equal(http.StatusBadRequest), string(raw))
		Expect(m["info"]).To(HavePrefix("count: a schedule needs a bound"))
		status, _, raw = api("POST", srv.URL+"/_mock/schedules", token, map[string]any{"event": "calltransfer.triggered", "every": "1h", "unbounded": true})
		Expect(status).To(Equal(http.StatusCreated), string(raw))
		status, _, raw = api("POST", srv.URL+"/_mock/schedules", token, map[string]any{"event": "calltransfer.triggered", "every": "1h", "until": "2h"})
		Expect(status).To(Equal(http.StatusCreated), string(raw))
	})

	It("answers a bad filter value with a 400 naming the field", func() {
		status, m, raw := api("GET", srv.URL+"/_mock/deliveries?status=bogus", token, nil)
		Expect(status).To(Equal(http.StatusBadRequest), string(raw))
		Expect(m["info"]).To(HavePrefix("status:"))
	})
})

func must(b []byte, err error) []byte {
	Expect(err).NotTo(HaveOccurred())
	return b
}
