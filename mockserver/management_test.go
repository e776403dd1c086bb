package mockserver_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/mockserver"
)

const token = "test-token"

var _ = Describe("the webhook management API", func() {
	var (
		srv  *mockserver.Server
		good *consumer
	)
	BeforeEach(func() {
		var err error
		srv, err = mockserver.New(mockserver.Options{Seed: 7, ProbeTimeout: time.Second})
		Expect(err).NotTo(HaveOccurred())
		good = newConsumer(nil)
		DeferCleanup(func() { srv.Close(); good.Close() })
	})

	It("creates a webhook after a successful verification probe", func() {
		status, body, raw := api("POST", srv.URL+"/v1/webhooks", token, map[string]any{"url": good.URL + "/hooks"})
		Expect(status).To(Equal(http.StatusOK), string(raw))
		Expect(body).To(HaveKeyWithValue("url", good.URL+"/hooks"))
		Expect(body).To(HaveKeyWithValue("state", "ACTIVE"))
		Expect(body).To(HaveKeyWithValue("retryType", "circuit-breaker"))
		Expect(body).To(HaveKeyWithValue("failedCount", BeNumerically("==", 0)))
		Expect(body).To(HaveKey("uuid"))
		Expect(body).To(HaveKey("domainId"))
		Expect(body).To(HaveKey("createdAt"))
		Expect(body).To(HaveKey("updatedAt"))
		key, err := base64.StdEncoding.DecodeString(body["hmac"].(string))
		Expect(err).NotTo(HaveOccurred(), "a provisioned hmac is base64")
		Expect(key).To(HaveLen(32))

		// The answer keeps Daily's contract for the webhook object.
		vs := validateWebhook(raw)
		Expect(vs).To(BeEmpty())

		probes := good.requests()
		Expect(probes).To(HaveLen(1))
		Expect(string(probes[0].Body)).To(Equal(`{"test":"test"}`))
		Expect(probes[0].Header.Get("Content-Type")).To(Equal("application/json"))
		Expect(probes[0].Header.Get("X-Webhook-Signature")).To(BeEmpty(), "the probe is unsigned by default")
	})

	It("stores nothing when the probe fails", func() {
		bad := newConsumer(nil)
		bad.Config.Handler = http.NotFoundHandler()
		defer bad.Close()
		status, body, _ := api("POST", srv.URL+"/v1/webhooks", token, map[string]any{"url": bad.URL})
		Expect(status).To(Equal(http.StatusBadRequest))
		Expect(body["error"]).To(Equal("invalid-request-error"))
		Expect(body["info"]).To(And(HavePrefix("url:"), ContainSubstring("got 404, want 200")))
		Expect(srv.Webhooks()).To(BeEmpty())
	})

	It("stores nothing when the probe times out", func() {
		slow := newConsumer(func(int, *http.Request, []byte) int { return 200 })
		slow.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
			}
		})
		defer slow.Close()
		status, body, _ := api("POST", srv.URL+"/v1/webhooks", token, map[string]any{"url": slow.URL})
		Expect(status).To(Equal(http.StatusBadRequest))
		Expect(body["info"]).To(HavePrefix("url:"))
		Expect(srv.Webhooks()).To(BeEmpty())
	})

	It("lists, gets, updates and deletes", func() {
		_, created, _ := api("POST", srv.URL+"/v1/webhooks", token, map[string]any{"url": good.URL, "eventTypes": []string{"calltransfer.answered"}})
		id := created["uuid"].(string)

		status, _, raw := api("GET", srv.URL+"/v1/webhooks", token, nil)
		Expect(status).To(Equal(http.StatusOK))
		var list []map[string]any
		Expect(json.Unmarshal(raw, &list)).To(Succeed())
		Expect(list).To(HaveLen(1))
		Expect(list[0]["uuid"]).To(Equal(id))

		status, got, _ := api("GET", srv.URL+"/v1/webhooks/"+id, token, nil)
		Expect(status).To(Equal(http.StatusOK))
		Expect(got["eventTypes"]).To(ConsistOf("calltransfer.answered"))

		status, upd, _ := api("POST", srv.URL+"/v1/webhooks/"+id, token, map[string]any{"retryType": "exponential", "eventTypes": []string{}})
		Expect(status).To(Equal(http.StatusOK))
		Expect(upd["retryType"]).To(Equal("exponential"))
		Expect(upd["eventTypes"]).To(BeEmpty())
		Expect(upd["hmac"]).To(Equal(created["hmac"]), "an update keeps the secret")
		Expect(good.requests()).To(HaveLen(2), "an update probes again")

		status, _, raw = api("DELETE", srv.URL+"/v1/webhooks/"+id, token, nil)
		Expect(status).To(Equal(http.StatusOK))
		Expect(raw).To(BeEmpty())
		status, nf, _ := api("GET", srv.URL+"/v1/webhooks/"+id, token, nil)
		Expect(status).To(Equal(http.StatusNotFound))
		Expect(nf["info"]).To(HavePrefix("uuid:"))
	})

	It("keeps Daily's one webhook per domain", func() {
		status, _, _ := api("POST", srv.URL+"/v1/webhooks", token, map[string]any{"url": good.URL})
		Expect(status).To(Equal(http.StatusOK))
		status, body, _ := api("POST", srv.URL+"/v1/webhooks", token, map[string]any{"url": good.URL + "/2"})
		Expect(status).To(Equal(http.StatusBadRequest))
		Expect(body["info"]).To(ContainSubstring("only have one"))
	})

	DescribeTable("answers bad input with a 400 that names the field",
		func(body string, field string) {
			status, resp, raw := api("POST", srv.URL+"/v1/webhooks", token, body)
			Expect(status).To(Equal(http.StatusBadRequest), string(raw))
			Expect(resp["error"]).To(Equal("invalid-request-error"))
			Expect(resp["info"]).To(HavePrefix(field+":"), string(raw))
			Expect(srv.Webhooks()).To(BeEmpty())
		},
		Entry("malformed JSON", `{"url": "http://x",}`, "body"),
		Entry("a missing url", `{"retryType": "exponential"}`, "url"),
		Entry("a non-base64 hmac", `{"url": "http://127.0.0.1:1/x", "hmac": "not base64!"}`, "hmac"),
		Entry("base64 characters that do not decode", `{"url": "http://127.0.0.1:1/x", "hmac": "abcde"}`, "hmac"),
		Entry("a bad URL", `{"url": "not a url"}`, "url"),
		Entry("a non-http URL", `{"url": "mailto:ops@example.com"}`, "url"),
		Entry("an unknown retryType", `{"url": "http://127.0.0.1:1/x", "retryType": "linear"}`, "retryType"),
		Entry("an unknown event type", `{"url": "http://127.0.0.1:1/x", "eventTypes": ["calltransfer.answered", "calltransfer.failed"]}`, "eventTypes[1]"),
		Entry("a wrongly typed field", `{"url": "http://127.0.0.1:1/x", "basicAuth": 42}`, "basicAuth"),
		Entry("not an object", `["http://x"]`, "body"),
		Entry("an empty body", ``, "body"),
	)

	It("answers 404 for an unknown uuid on every verb", func() {
		for _, method := range []string{"GET", "POST", "DELETE"} {
			status, body, _ := api(method, srv.URL+"/v1/webhooks/5b5f2a0e-0000-4000-8000-000000000000", token, `{"url": "http://127.0.0.1:1"}`)
			Expect(status).To(Equal(http.StatusNotFound), method)
			Expect(body["info"]).To(HavePrefix("uuid:"))
		}
	})

	It("answers 413 past the body limit", func() {
		status, body, _ := api("POST", srv.URL+"/v1/webhooks", token, `{"url": "`+strings.Repeat("a", 2<<20)+`"}`)
		Expect(status).To(Equal(http.StatusRequestEntityTooLarge))
		Expect(body["info"]).To(HavePrefix("body:"))
	})

	It("wants a bearer token", func() {
		status, body, _ := api("GET", srv.URL+"/v1/webhooks", "", nil)
		Expect(status).To(Equal(http.StatusUnauthorized))
		Expect(body["info"]).To(HavePrefix("Authorization:"))
	})

	Context("with an API key", func() {
		It("accepts exactly that token", func() {
			keyed, err := mockserver.New(mockserver.Options{APIKey: "s3cret"})
			Expect(err).NotTo(HaveOccurred())
			defer keyed.Close()
			status, body, _ := api("GET", keyed.URL+"/v1/webhooks", "wrong", nil)
			Expect(status).To(Equal(http.StatusUnauthorized))
			Expect(body["error"]).To(Equal("authentication-error"))
			status, _, _ = api("GET", keyed.URL+"/v1/webhooks", "s3cret", nil)
			Expect(status).To(Equal(http.StatusOK))
		})
	})
})
