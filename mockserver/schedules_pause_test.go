package mockserver_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/mockserver"
)

var _ = Describe("pausing a schedule over HTTP", func() {
	It("passes over the firings due while paused and emits again once resumed", func() {
		r := newRig(mockserver.Options{Seed: 31}, nil, nil)
		status, _, raw := api("POST", r.srv.URL+"/_mock/schedules", "", map[string]any{"id": "beat", "event": "calltransfer.triggered", "every": "10s", "count": 3})
		Expect(status).To(Equal(http.StatusCreated), string(raw))
		advance := func(by string) {
			status, _, raw := api("POST", r.srv.URL+"/_mock/clock/advance", "", map[string]any{"by": by})
			Expect(status).To(Equal(http.StatusOK), string(raw))
			settle(r.srv)
		}
		advance("10s")
		Expect(r.events()).To(HaveLen(1))

		status, body, raw := api("POST", r.srv.URL+"/_mock/schedules/beat/pause", "", nil)
		Expect(status).To(Equal(http.StatusOK), string(raw))
		Expect(body["state"]).To(Equal("paused"))
		advance("20s")
		Expect(r.events()).To(HaveLen(1))
		st := r.srv.Schedules()[0]
		Expect(st.Paused).To(Equal(2))
		Expect(st.State).To(Equal("paused"))

		status, body, raw = api("POST", r.srv.URL+"/_mock/schedules/beat/resume", "", nil)
		Expect(status).To(Equal(http.StatusOK), string(raw))
		Expect(body["state"]).To(Equal("running"))
		advance("20s")
		Expect(r.events()).To(HaveLen(3))
		Expect(r.srv.Schedules()[0].State).To(Equal("done"))

		status, body, _ = api("POST", r.srv.URL+"/_mock/schedules/nope/pause", "", nil)
		Expect(status).To(Equal(http.StatusNotFound))
		Expect(body["info"]).To(ContainSubstring(`no schedule "nope"`))
	})
})
