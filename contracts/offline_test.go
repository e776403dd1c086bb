package contracts_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/contracts"
	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
)

// mockWith starts the mock provider with a fixture registered as its
// webhook, the way a consumer team registers at Daily.
func mockWith(f *fixture) (*mockserver.Server, string) {
	consumer := f.start()
	srv, err := mockserver.New(mockserver.Options{Seed: 7})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(srv.Close)
	body, _ := json.Marshal(map[string]any{"url": consumer.URL + "/hook", "hmac": secret})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/webhooks", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer test")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	resp.Body.Close()
	Expect(resp.StatusCode).To(Equal(http.StatusOK))
	return srv, consumer.URL
}

// trigger sends one event and waits until it is delivered, so that the
// log's order is the order the test means.
func trigger(srv *mockserver.Server, event string, opts ...mockserver.TriggerOption) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := srv.Trigger(ctx, event, opts...)
	Expect(err).NotTo(HaveOccurred())
	Expect(srv.Settle(ctx)).To(Succeed())
}

// logOf exports the mock's delivery log as GET /_mock/deliveries does.
func logOf(srv *mockserver.Server) mockserver.DeliveryLog {
	resp, err := http.Get(srv.URL + "/_mock/deliveries")
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	var log mockserver.DeliveryLog
	Expect(json.NewDecoder(resp.Body).Decode(&log)).To(Succeed())
	return log
}

// record sends one delivery signed at signedAt and logs it as the mock
// does, with the moment it was really sent.
func record(url, event string, body []byte, t wire.Target, signedAt time.Time, faults ...string) mockserver.Delivery {
	sent := time.Now()
	att := wire.Send(context.Background(), http.DefaultClient, t, wire.Request{MsgID: wire.EventID(body), Body: body, At: signedAt, Timeout: 5 * time.Second, BodyLimit: 4 << 10})
	att.At = sent
	return mockserver.Delivery{ID: fmt.Sprintf("rec-%d", sent.UnixNano()), URL: url, EventType: event, EventID: wire.EventID(body),
		Status: mockserver.StatusDelivered, Faults: faults, Attempts: []mockserver.Attempt{att}}
}

func offlineContract(consumerURL string) *contracts.Contract {
	c := fixtureContract(consumerURL)
	c.Clauses.DuplicateSafe.IdempotencyProbe = nil
	return c
}

var _ = Describe("VerifyDeliveries", func() {
	It("judges what the mock recorded, by what was actually sent", func() {
		srv, consumer := mockWith(&fixture{rejectInvalid: true, ack: ok})
		call := generator.NewCall(3)
		for _, e := range []string{"calltransfer.triggered", "calltransfer.initiated", "calltransfer.answered", "calltransfer.completed"} {
			trigger(srv, e, mockserver.WithCall(call))
		}
		dup, err := generator.New(srv.Spec()).Generate(generator.Request{Event: "calltransfer.answered", Seed: 9})
		Expect(err).NotTo(HaveOccurred())
		trigger(srv, "calltransfer.answered", mockserver.WithBody(dup.JSON))
		trigger(srv, "calltransfer.answered", mockserver.WithBody(dup.JSON))
		trigger(srv, "calltransfer.triggered", mockserver.WithSet("payload.room=sales", "+payload.hookmock_new=1"))
		trigger(srv, "calltransfer.completed", mockserver.WithBody([]byte(`{"type":"calltransfer.completed"}`)), mockserver.AllowInvalid())

		rep := contracts.VerifyDeliveries(offlineContract(consumer), logOf(srv))
		Expect(rep).To(contracts.Pass())
		Expect(rep.Mode).To(Equal("offline"))
		byCase := map[string]string{}
		for _, r := range rep.Results {
			byCase[r.Clause+" "+r.Event+" "+r.Case] = r.Reason
		}
		Expect(byCase).To(HaveKeyWithValue("accepts-valid calltransfer.answered recorded", "2 recorded attempts, all 200 within 2s"))
		Expect(byCase).To(HaveKeyWithValue("duplicate-safe calltransfer.answered duplicate", "1 recorded attempt, all 200"))
		Expect(byCase).To(HaveKeyWithValue("tolerates-additive-change calltransfer.triggered unknown-fields", "1 recorded attempt, all 200"))
		Expect(byCase).To(HaveKeyWithValue("schema-violations calltransfer.completed missing-required", "1 recorded attempt, all 4xx"))
		Expect(byCase).To(HaveKeyWithValue("probe  all", "offline: the delivery log does not record verification probes"))
	})

	It("fails a consumer that answered 5xx to an out-of-order event, citing the delivery", func() {
		srv, consumer := mockWith(&fixture{rejectInvalid: true, ack: ok, failOutOfOrder: true})
		call := generator.NewCall(4)
		trigger(srv, "calltransfer.triggered", mockserver.WithCall(call))
		trigger(srv, "calltransfer.completed", mockserver.WithCall(call))
		trigger(srv, "calltransfer.answered", mockserver.WithCall(call))
		rep := contracts.VerifyDeliveries(offlineContract(consumer), logOf(srv))
		Expect(rep).To(contracts.FailExactly(contracts.ClauseOutOfOrder))
		f := rep.Failures()[0]
		Expect(f.Case).To(Equal("answered-after-completed"))
		Expect(f.Reason).To(HavePrefix("1 of 1 recorded attempt failed; first: want an answer other than 5xx, got 500"))
		Expect(f.Evidence[0].Delivery).To(MatchRegexp(`^\S+#1$`))
		Expect(f.Evidence[0].Body).To(Equal("illegal transition"))
	})

	Describe("signatures, checked with the contract's secret", func() {
		var (
			consumer string
			log      mockserver.DeliveryLog
		)
		sendBad := func(f *fixture) {
			consumer = f.start().URL
			g := generator.New(mustDaily(), generator.WithClock(clock.Real{}))
			body := func(seed uint64) []byte {
				res, err := g.Generate(generator.Request{Event: "calltransfer.triggered", Seed: seed})
				Expect(err).NotTo(HaveOccurred())
				return res.JSON
			}
			hook := consumer + "/hook"
			good := wire.Target{URL: hook, Scheme: signing.Daily, Secret: secret}
			forged := good
			forged.Secret = "b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA=="
			unsigned := good
			unsigned.Secret = ""
			now := time.Now()
			log = mockserver.DeliveryLog{Deliveries: []mockserver.Delivery{
				record(hook, "calltransfer.triggered", body(1), good, now),
				record(hook, "calltransfer.triggered", body(2), forged, now.Add(time.Millisecond)),
				record(hook, "calltransfer.triggered", body(3), unsigned, now.Add(2*time.Millisecond)),
				record(hook, "calltransfer.triggered", body(4), good, now.Add(-2*time.Hour)),
			}}
		}

		It("passes a consumer that rejects forged, unsigned and stale deliveries", func() {
			sendBad(&fixture{rejectInvalid: true, ack: ok})
			Expect(contracts.VerifyDeliveries(offlineContract(consumer), log)).To(contracts.Pass())
		})

		It("fails one that lets them in, one case each; a stale timestamp warns unless the contract opts in", func() {
			sendBad(&fixture{rejectInvalid: true, ack: ok, noSignatureCheck: true})
			c := offlineContract(consumer)
			rep := contracts.VerifyDeliveries(c, log)
			Expect(rep).To(contracts.FailExactly(contracts.ClauseRejectsBadSignature))
			Expect(failedCases(rep)).To(ConsistOf("rejects-bad-signature/bad-signature", "rejects-bad-signature/missing-signature"))
			Expect(warnedCases(rep)).To(ConsistOf("rejects-bad-signature/stale-timestamp"))
			Expect(rep.Warnings()[0].Reason).To(ContainSubstring("Daily documents no replay window"))
			// Offline, the diagnosis reads the log and sends nothing.
			Expect(rep.Diagnosis.Findings).To(ConsistOf(HaveField("Mistake", contracts.MistakeSignatureIgnored)))
			Expect(rep.Diagnosis.Requests).To(BeZero())
			c.Clauses.RejectsBadSignature.StaleTimestamp = contracts.VerdictFail
			rep = contracts.VerifyDeliveries(c, log)
			Expect(failedCases(rep)).To(ConsistOf("rejects-bad-signature/bad-signature", "rejects-bad-signature/missing-signature", "rejects-bad-signature/stale-timestamp"))
			Expect(rep.Warnings()).To(BeEmpty())
		})

		It("falls back on the faults the log names when the contract has no secret", func() {
			sendBad(&fixture{rejectInvalid: true, ack: ok, noSignatureCheck: true})
			log.Deliveries[1].Faults = []string{"bad-signature"}
			log.Deliveries[2].Faults = []string{"missing-signature"}
			log.Deliveries[3].Faults = []string{"stale-timestamp:2h"}
			c := offlineContract(consumer)
			c.Signing.Secret = ""
			rep := contracts.VerifyDeliveries(c, log)
			Expect(failedCases(rep)).To(ConsistOf("rejects-bad-signature/bad-signature", "rejects-bad-signature/missing-signature"))
			Expect(warnedCases(rep)).To(ConsistOf("rejects-bad-signature/stale-timestamp"))
		})
	})

	It("says when the log has nothing for the contract's endpoint", func() {
		rep := contracts.VerifyDeliveries(offlineContract("http://127.0.0.1:9"), mockserver.DeliveryLog{Deliveries: []mockserver.Delivery{{URL: "http://elsewhere/hook"}}})
		Expect(rep.Error).To(Equal("the delivery log has no delivery to http://127.0.0.1:9/hook (it has deliveries to: http://elsewhere/hook)"))
	})

	Describe("ParseDeliveryLog", func() {
		It("reads the export object and a bare array", func() {
			log, err := contracts.ParseDeliveryLog("a.json", []byte(`{"deliveries":[{"id":"d1","url":"http://x","eventType":"calltransfer.answered","attempts":[]}],"store":{"kept":1}}`))
			Expect(err).NotTo(HaveOccurred())
			Expect(log.Deliveries).To(HaveLen(1))
			log, err = contracts.ParseDeliveryLog("a.json", []byte(` [{"id":"d1"},{"id":"d2"}]`))
			Expect(err).NotTo(HaveOccurred())
			Expect(log.Deliveries).To(HaveLen(2))
		})

		It("names file, line and column of malformed input", func() {
			_, err := contracts.ParseDeliveryLog("log.json", []byte("{\"deliveries\": [\n  {\"id\": 1}\n]}"))
			Expect(err).To(MatchError(HavePrefix("log.json: line 2, column 11: json: cannot unmarshal number")))
			_, err = contracts.ParseDeliveryLog("log.json", []byte("{\"deliveries\": [\n  {\"id\": \"x\",}\n]}"))
			Expect(err).To(MatchError(HavePrefix("log.json: line 2, column 14: ")))
			_, err = contracts.ParseDeliveryLog("log.json", []byte(`{"webhooks": []}`))
			Expect(err).To(MatchError(`log.json: no "deliveries": want the JSON of GET /_mock/deliveries or an array of deliveries`))
		})

		It("reads a file", func() {
			path := filepath.Join(GinkgoT().TempDir(), "log.json")
			Expect(os.WriteFile(path, []byte(`[]`), 0o644)).To(Succeed())
			log, err := contracts.ReadDeliveryLog(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(log.Deliveries).To(BeEmpty())
		})
	})
})
