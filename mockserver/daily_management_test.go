package mockserver_test

import (
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/spec"
)

// The management API's eventTypes accepts exactly the catalogue's 33
// types: the contract's EventType enum, which is the contract's events.
var _ = Describe("eventTypes on the Daily contract", func() {
	It("accepts every catalogue type and nothing else", func() {
		srv, err := mockserver.New(mockserver.Options{Seed: 7, AllowMultipleWebhooks: true})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		good := newConsumer(nil)
		defer good.Close()
		daily, err := spec.Default()
		Expect(err).NotTo(HaveOccurred())
		enum, ok := daily.At("/components/schemas/EventType/enum")
		Expect(ok).To(BeTrue())
		var types []string
		for _, v := range enum.([]any) {
			types = append(types, v.(string))
		}
		Expect(types).To(HaveLen(33))
		Expect(types).To(Equal(daily.EventNames()))
		status, hook, raw := api("POST", srv.URL+"/v1/webhooks", token, map[string]any{"url": good.URL, "eventTypes": types})
		Expect(status).To(Equal(http.StatusOK), string(raw))
		Expect(hook["eventTypes"]).To(HaveLen(33))
		for _, bad := range []string{"live-stream.started", "recording.stopped", "calltransfer.failed", "meeting.updated"} {
			status, body, _ := api("POST", srv.URL+"/v1/webhooks", token, map[string]any{"url": good.URL, "eventTypes": []string{"meeting.started", bad}})
			Expect(status).To(Equal(http.StatusBadRequest), bad)
			Expect(body["info"]).To(HavePrefix("eventTypes[1]"), bad)
			Expect(body["info"]).To(ContainSubstring("'"+strings.Join(types[:2], "', '")+"'"), "the message lists what is served")
		}
	})
})
