package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// event is a calltransfer.answered as Daily sends it.
const event = `{"version":"1.0.0","type":"calltransfer.answered","id":"3602-call-transfer-ans-07efe77a","payload":{"domain_id":"04b89420-cf8b-4ea5-a428-02c40b0e2a59","room":"sip-test","timestamp":"1770005095","session_id":"07efe77a-74e8-4e69-81b0-41ca454c06e0","mtg_session_id":"34888835-dadc-4874-a2a8-be38da1f8296","to_endpoint":"sip:user-b@example.com","from_endpoint":"sip:user-a@example.com"},"event_ts":1770005095.25}`

// sign computes Daily's headers for body at ts with key.
func sign(req *http.Request, key string, ts time.Time, body string) {
	k, _ := base64.StdEncoding.DecodeString(key)
	stamp := strconv.FormatInt(ts.Unix(), 10)
	m := hmac.New(sha256.New, k)
	m.Write([]byte(stamp + "." + body))
	req.Header.Set("X-Webhook-Timestamp", stamp)
	req.Header.Set("X-Webhook-Signature", base64.StdEncoding.EncodeToString(m.Sum(nil)))
}

var _ = Describe("the webhook handler", func() {
	var (
		h   *Handler
		url string
	)
	BeforeEach(func() {
		h2, srv := startConsumer(Config{})
		h, url = h2, srv.URL+"/webhooks/daily"
	})
	post := func(body string, prepare func(*http.Request)) int {
		req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		Expect(err).NotTo(HaveOccurred())
		if prepare != nil {
			prepare(req)
		}
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		return resp.StatusCode
	}
	signedNow := func(req *http.Request) { sign(req, secret, time.Now(), event) }

	It("answers Daily's probe before any signature check", func() {
		Expect(post(`{"test":"test"}`, nil)).To(Equal(http.StatusOK))
	})

	It("applies a signed event once, however often it comes", func() {
		Expect(post(event, signedNow)).To(Equal(http.StatusOK))
		Expect(post(event, signedNow)).To(Equal(http.StatusOK))
		Expect(h.Transfers.Processed("3602-call-transfer-ans-07efe77a")).To(Equal(1))
		tr, ok := h.Transfers.Transfer("07efe77a-74e8-4e69-81b0-41ca454c06e0")
		Expect(ok).To(BeTrue())
		Expect(tr.Stage).To(Equal(Answered))
		Expect(tr.Room).To(Equal("sip-test"))
	})

	DescribeTable("refuses a delivery Daily did not sign, and does nothing with it",
		func(prepare func(*http.Request)) {
			Expect(post(event, prepare)).To(Equal(http.StatusUnauthorized))
			Expect(h.Transfers.Processed("3602-call-transfer-ans-07efe77a")).To(BeZero())
		},
		Entry("no signature", nil),
		Entry("another secret", func(r *http.Request) { sign(r, "b3RoZXItc2VjcmV0", time.Now(), event) }),
		Entry("another body", func(r *http.Request) { sign(r, secret, time.Now(), strings.Replace(event, "sip-test", "sip-prod", 1)) }),
		Entry("an hour-old timestamp", func(r *http.Request) { sign(r, secret, time.Now().Add(-time.Hour), event) }),
		Entry("a timestamp that is not Unix seconds", func(r *http.Request) {
			signedNow(r)
			r.Header.Set("X-Webhook-Timestamp", "yesterday")
		}),
	)

	DescribeTable("acknowledges and parks an authentic event it cannot use",
		func(body, reason string) {
			Expect(post(body, func(r *http.Request) { sign(r, secret, time.Now(), body) })).To(Equal(http.StatusOK))
			Expect(h.Transfers.Parked()).To(ConsistOf(HaveField("Reason", ContainSubstring(reason))))
		},
		Entry("not JSON", `{"type":`, "not a JSON event"),
		Entry("another event type", `{"type":"recording.started","id":"r1","payload":{}}`, `event type "recording.started" is not a call transfer event`),
		Entry("no id", strings.Replace(event, `"id":"3602-call-transfer-ans-07efe77a",`, "", 1), "missing id"),
		Entry("a timestamp that is not a number", strings.Replace(event, `"timestamp":"1770005095"`, `"timestamp":"soon"`, 1), "bad payload"),
	)

	It("reads payload.timestamp as an integer too, as Daily documents it", func() {
		body := strings.Replace(event, `"timestamp":"1770005095"`, `"timestamp":1770005095`, 1)
		Expect(post(body, func(r *http.Request) { sign(r, secret, time.Now(), body) })).To(Equal(http.StatusOK))
		Expect(h.Transfers.Parked()).To(BeEmpty())
	})

	It("refuses other methods and oversized bodies", func() {
		resp, err := http.Get(url)
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusMethodNotAllowed))
		Expect(post(strings.Repeat("x", maxBody+1), nil)).To(Equal(http.StatusRequestEntityTooLarge))
	})

	It("refuses a secret that is not base64", func() {
		_, err := NewHandler(Config{Secret: "not base64!"})
		Expect(err).To(MatchError(ContainSubstring("the webhook secret must be Daily's base64 hmac")))
	})
})
