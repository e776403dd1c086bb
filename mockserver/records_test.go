package mockserver_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/wire"
)

// exportsOf reads the whole log through each door a consumer of it uses:
// the library (Deliveries, what the inspector renders), the JSON pages of
// GET /_mock/deliveries (what the verifier's offline mode reads) and its
// NDJSON stream. It checks that all three say the same, byte for byte,
// and returns the deliveries as JSON.
func exportsOf(srv *mockserver.Server) [][]byte {
	var lib [][]byte
	for _, d := range srv.Deliveries() {
		raw, err := json.Marshal(d)
		Expect(err).NotTo(HaveOccurred())
		lib = append(lib, raw)
	}
	status, _, raw := api("GET", srv.URL+"/_mock/deliveries?limit=1000", token, nil)
	Expect(status).To(Equal(http.StatusOK), string(raw))
	var page struct {
		Deliveries []json.RawMessage `json:"deliveries"`
	}
	Expect(json.Unmarshal(raw, &page)).To(Succeed())
	Expect(page.Deliveries).To(HaveLen(len(lib)))
	for i, d := range page.Deliveries {
		var one wire.Delivery
		Expect(json.Unmarshal(d, &one)).To(Succeed())
		again, _ := json.Marshal(one)
		Expect(string(again)).To(Equal(string(lib[i])), "page export of delivery %d", i)
	}
	status, _, raw = api("GET", srv.URL+"/_mock/deliveries?format=ndjson", token, nil)
	Expect(status).To(Equal(http.StatusOK), string(raw))
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	n := 0
	for ; sc.Scan(); n++ {
		Expect(n).To(BeNumerically("<", len(lib)))
		Expect(sc.Text()).To(Equal(string(lib[n])), "NDJSON line %d", n)
	}
	Expect(n).To(Equal(len(lib)))
	return lib
}

var _ = Describe("compact delivery records", func() {
	ctx := context.Background()

	DescribeTable("keep every attempt exactly as it went on the wire, fault-changed headers included",
		func(backend, signing string) {
			path := filepath.Join(GinkgoT().TempDir(), "log.db")
			var st store.Store
			open := func() {
				if backend == "sqlite" {
					var err error
					st, err = store.OpenSQLite(ctx, path, store.Options{})
					Expect(err).NotTo(HaveOccurred())
				}
			}
			open()
			clk := clock.NewVirtual(epoch)
			opts := mockserver.Options{Clock: clk, Store: st, Seed: 7, Exponential: mockserver.Backoff{Retries: 2, Base: time.Second, Cap: time.Second}}
			srv, err := mockserver.New(opts)
			Expect(err).NotTo(HaveOccurred())
			// Each event fails once and is retried: two attempts, each
			// signed afresh.
			c := newConsumer(func(n int, _ *http.Request, _ []byte) int {
				if n%2 == 0 {
					return http.StatusInternalServerError
				}
				return http.StatusOK
			})
			DeferCleanup(c.Close)
			hook := map[string]any{"url": c.URL, "retryType": "exponential", "basicAuth": "dXNlcjpwYXNz"}
			if signing != "" {
				hook["signing"] = signing
			}
			register(srv, hook)
			allFaults := []string{"", "bad-signature", "missing-signature", "content-type:text/xml", "stale:2h", "truncate", "malformed"}
			for _, faults := range allFaults {
				fs, err := wire.ParseFaults(faults)
				Expect(err).NotTo(HaveOccurred())
				_, err = srv.Trigger(ctx, "calltransfer.triggered", mockserver.WithFaults(fs...))
				Expect(err).NotTo(HaveOccurred())
				Eventually(func() error {
					clk.Advance(time.Second)
					sctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
					defer cancel()
					return srv.Settle(sctx)
				}, 10*time.Second, time.Millisecond).Should(Succeed())
			}

			ds := srv.Deliveries()
			Expect(ds).To(HaveLen(len(allFaults)))
			got := c.requests()[1:] // after the probe
			Expect(got).To(HaveLen(2 * len(allFaults)))
			i := 0
			for _, d := range ds {
				Expect(d.Attempts).To(HaveLen(2), d.ID)
				for _, a := range d.Attempts {
					wireReq := got[i]
					i++
					Expect(a.Request.Body).To(Equal(string(wireReq.Body)), "%s attempt %d: body", d.ID, a.N)
					for k, vs := range a.Request.Headers {
						Expect(wireReq.Header).To(HaveKeyWithValue(k, vs), "%s attempt %d", d.ID, a.N)
					}
					for k := range wireReq.Header {
						if k == "Content-Length" || k == "Accept-Encoding" { // the transport's own
							continue
						}
						Expect(a.Request.Headers).To(HaveKey(k), "%s attempt %d: sent but not recorded", d.ID, a.N)
					}
				}
			}
			// The faults did change the headers (and so the test saw them).
			byFault := map[string]mockserver.Delivery{}
			for _, d := range ds {
				if len(d.Faults) > 0 {
					byFault[d.Faults[0]] = d
				}
			}
			sigHeader := "X-Webhook-Signature"
			if signing == "standard" {
				sigHeader = "Webhook-Signature"
			}
			Expect(ds[0].Attempts[1].Request.Headers).To(HaveKey(sigHeader))
			Expect(byFault["missing-signature"].Attempts[1].Request.Headers).NotTo(HaveKey(sigHeader))
			Expect(byFault["wrong-content-type"].Attempts[1].Request.Headers.Get("Content-Type")).To(Equal("text/xml"))
			Expect(byFault["truncated-body"].Attempts[0].Request.Body).NotTo(Equal(ds[0].Attempts[0].Request.Body))

			before := exportsOf(srv)
			if backend != "sqlite" {
				srv.Close()
				return
			}
			srv.Close()
			Expect(st.Close()).To(Succeed())

			// In the file: one compact record per delivery, the body once.
			db, err := sql.Open("sqlite", path)
			Expect(err).NotTo(HaveOccurred())
			rows, err := db.QueryContext(ctx, `SELECT doc FROM deliveries ORDER BY seq`)
			Expect(err).NotTo(HaveOccurred())
			n := 0
			for ; rows.Next(); n++ {
				var doc []byte
				Expect(rows.Scan(&doc)).To(Succeed())
				Expect(wire.IsRecord(doc)).To(BeTrue())
				Expect(bytes.Count(doc, []byte(ds[n].Attempts[0].Request.Body))).To(Equal(1), "delivery %d: the body once", n)
			}
			Expect(rows.Err()).To(Succeed())
			Expect(n).To(Equal(len(ds)))
			Expect(db.Close()).To(Succeed())

			// A restart reads exactly what was recorded, whatever the
			// settings now say the engine sends (nothing in a record is
			// derived from them), and a replay sends exactly the recorded
			// body.
			open()
			opts.Store, opts.UserAgent = st, "another-agent/2.0"
			srv, err = mockserver.New(opts)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(func() { srv.Close(); st.Close() })
			Expect(exportsOf(srv)).To(Equal(before))
			truncated := byFault["truncated-body"]
			_, err = srv.Replay(ctx, truncated.ID, mockserver.ReplayOptions{})
			Expect(err).NotTo(HaveOccurred())
			Eventually(func() int { return len(c.requests()) }, 10*time.Second).Should(BeNumerically(">", 1+2*len(allFaults)))
			Expect(string(c.requests()[1+2*len(allFaults)].Body)).To(Equal(truncated.Attempts[0].Request.Body))
		},
		Entry("on the memory store", "memory", ""),
		Entry("on SQLite, across a restart", "sqlite", ""),
		Entry("on SQLite, signed as Standard Webhooks", "sqlite", "standard"),
	)

	It("reads a store written before records were compact: its JSON documents export as they were", func() {
		fixture, err := os.ReadFile("testdata/record-v0.json")
		Expect(err).NotTo(HaveOccurred())
		fixture = bytes.TrimSpace(fixture)
		var old wire.Delivery
		Expect(json.Unmarshal(fixture, &old)).To(Succeed())
		path := filepath.Join(GinkgoT().TempDir(), "old.db")
		st, err := store.OpenSQLite(ctx, path, store.Options{})
		Expect(err).NotTo(HaveOccurred())
		// The record as the previous version stored it: its columns and
		// the JSON of the whole delivery.
		Expect(st.Enqueue(ctx, []store.Delivery{{ID: old.ID, WebhookUUID: old.WebhookUUID, EventType: old.EventType, EventID: old.EventID,
			Status: string(old.Status), Terminal: true, CreatedAt: old.CreatedAt, UpdatedAt: old.UpdatedAt, Doc: fixture}}, nil)).To(Succeed())
		srv, err := mockserver.New(mockserver.Options{Store: st, Seed: 7})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { srv.Close(); st.Close() })
		// Beside a record written now.
		c := newConsumer(nil)
		DeferCleanup(c.Close)
		register(srv, map[string]any{"url": c.URL})
		_, err = srv.Trigger(ctx, "calltransfer.triggered")
		Expect(err).NotTo(HaveOccurred())
		settle(srv)

		docs := exportsOf(srv)
		Expect(docs).To(HaveLen(2))
		Expect(string(docs[0])).To(Equal(string(fixture)))
		d, err := srv.Delivery(ctx, old.ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(d).To(Equal(old))
		Expect(d.Attempts[1].Request.Body).To(Equal(d.Attempts[0].Request.Body))
	})
})
