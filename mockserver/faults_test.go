package mockserver_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/spec"
)

// epoch is where the virtual clock of the fault specs starts.
var epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// rig is a mock on a virtual clock with one webhook at a real consumer.
type rig struct {
	srv    *mockserver.Server
	clock  *clock.Virtual
	c      *consumer
	secret string
	hook   string
}

func newRig(opts mockserver.Options, hook map[string]any, answer func(int, *http.Request, []byte) int) *rig {
	r := &rig{clock: clock.NewVirtual(epoch)}
	opts.Clock = r.clock
	var err error
	r.srv, err = mockserver.New(opts)
	Expect(err).NotTo(HaveOccurred())
	r.c = newConsumer(answer)
	if hook == nil {
		hook = map[string]any{}
	}
	hook["url"] = r.c.URL
	h := register(r.srv, hook)
	r.secret, r.hook = h["hmac"].(string), h["uuid"].(string)
	DeferCleanup(func() { r.srv.Close(); r.c.Close() })
	return r
}

// events returns what the consumer got after the probe.
func (r *rig) events() []received { return r.c.requests()[1:] }

func (r *rig) waitEvents(n int) []received {
	Eventually(func() int { return len(r.events()) }, 10*time.Second).Should(Equal(n))
	return r.events()
}

func (r *rig) trigger(event string, faults string) *mockserver.Triggered {
	fs, err := wire.ParseFaults(faults)
	Expect(err).NotTo(HaveOccurred())
	t, err := r.srv.Trigger(context.Background(), event, mockserver.WithFaults(fs...))
	Expect(err).NotTo(HaveOccurred())
	return t
}

func (r *rig) delivery(id string) mockserver.Delivery {
	for _, d := range r.srv.Deliveries() {
		if d.ID == id {
			return d
		}
	}
	Fail("no delivery " + id)
	return mockserver.Delivery{}
}

// verifies says whether Daily's signature of a received request checks
// out, computed independently of the code under test.
func (r *rig) verifies(got received) bool {
	ts := got.Header.Get("X-Webhook-Timestamp")
	return ts != "" && got.Header.Get("X-Webhook-Signature") == dailySignature(r.secret, ts, got.Body)
}

var _ = Describe("fault injection", func() {
	ctx := context.Background()
	daily, err := spec.Default()
	if err != nil {
		panic(err)
	}

	Describe("faults in the message", func() {
		It("bad-signature: a well-formed signature that does not verify", func() {
			r := newRig(mockserver.Options{}, nil, nil)
			t := r.trigger("calltransfer.answered", "bad-signature")
			settle(r.srv)
			got := r.waitEvents(1)[0]
			Expect(got.Header.Get("X-Webhook-Signature")).To(MatchRegexp(`^[A-Za-z0-9+/]{43}=$`))
			Expect(r.verifies(got)).To(BeFalse())
			d := r.delivery(t.Deliveries[0])
			Expect(d.Faults).To(Equal([]string{"bad-signature"}))
			Expect(d.Injected[0].Expect).To(Equal("reject"))
		})

		It("missing-signature: no signature or timestamp header", func() {
			r := newRig(mockserver.Options{}, nil, nil)
			t := r.trigger("calltransfer.answered", "nosig")
			settle(r.srv)
			got := r.waitEvents(1)[0]
			Expect(got.Header).NotTo(HaveKey("X-Webhook-Signature"))
			Expect(got.Header).NotTo(HaveKey("X-Webhook-Timestamp"))
			Expect(r.delivery(t.Deliveries[0]).Faults).To(Equal([]string{"missing-signature"}))
		})

		It("stale and future timestamps: correctly signed, far from now", func() {
			r := newRig(mockserver.Options{}, nil, nil)
			stale := r.trigger("calltransfer.answered", "stale:2h")
			future := r.trigger("calltransfer.answered", "future")
			settle(r.srv)
			got := r.waitEvents(2)
			byID := map[string]received{}
			for _, g := range got {
				byID[wire.EventID(g.Body)] = g
			}
			for _, c := range []struct {
				t     *mockserver.Triggered
				shift time.Duration
			}{{stale, -2 * time.Hour}, {future, time.Hour}} {
				g := byID[c.t.ID]
				Expect(g.Header.Get("X-Webhook-Timestamp")).To(Equal(strconv.FormatInt(epoch.Add(c.shift).Unix(), 10)))
				Expect(r.verifies(g)).To(BeTrue(), "the signature matches the shifted timestamp")
				d := r.delivery(c.t.Deliveries[0])
				Expect(d.Attempts[0].At).To(Equal(epoch), "sent now, stamped otherwise")
				Expect(d.Injected[0].Expect).To(Equal("reject"))
			}
		})

		It("wrong-content-type: the default and a chosen one", func() {
			r := newRig(mockserver.Options{}, nil, nil)
			plain := r.trigger("calltransfer.answered", "content-type")
			_, err := r.srv.Trigger(ctx, "calltransfer.answered", mockserver.WithFaults(mockserver.Fault{Kind: mockserver.FaultContentType, ContentType: "application/xml"}))
			Expect(err).NotTo(HaveOccurred())
			settle(r.srv)
			types := map[string]bool{}
			for _, g := range r.waitEvents(2) {
				types[g.Header.Get("Content-Type")] = true
				Expect(r.verifies(g)).To(BeTrue())
			}
			Expect(types).To(Equal(map[string]bool{"text/plain; charset=utf-8": true, "application/xml": true}))
			Expect(r.delivery(plain.Deliveries[0]).Injected[0].Detail).To(Equal("Content-Type: text/plain; charset=utf-8"))
		})

		It("truncated-body and malformed-body: not JSON, signed as sent", func() {
			r := newRig(mockserver.Options{}, nil, nil)
			cut := r.trigger("calltransfer.completed", "truncate")
			bad := r.trigger("calltransfer.completed", "malformed")
			settle(r.srv)
			got := r.waitEvents(2)
			for _, g := range got {
				Expect(json.Valid(g.Body)).To(BeFalse(), string(g.Body))
				Expect(r.verifies(g)).To(BeTrue(), "signed over the bytes sent")
			}
			sent := map[string]string{}
			for _, id := range []string{cut.Deliveries[0], bad.Deliveries[0]} {
				d := r.delivery(id)
				Expect(d.EventID).NotTo(BeEmpty(), "the log keeps the event id the broken body hides")
				sent[d.Faults[0]] = d.Attempts[0].Request.Body
			}
			Expect(sent["truncated-body"]).To(Equal(string(cut.Event[:len(cut.Event)/2])))
			Expect(sent["malformed-body"]).To(HaveSuffix(",}"))
			Expect([]string{string(got[0].Body), string(got[1].Body)}).To(ConsistOf(sent["truncated-body"], sent["malformed-body"]))
		})

		It("schema-violation: a JSON body the contract rejects, as the generator's negative events", func() {
			r := newRig(mockserver.Options{Seed: 5}, nil, nil)
			chosen := r.trigger("calltransfer.triggered", "invalid:missing-required")
			seeded := r.trigger("calltransfer.initiated", "invalid")
			settle(r.srv)
			for _, g := range r.waitEvents(2) {
				Expect(json.Valid(g.Body)).To(BeTrue())
				var ev map[string]any
				Expect(json.Unmarshal(g.Body, &ev)).To(Succeed())
				e, ok := daily.Lookup(map[string]string{chosen.ID: "calltransfer.triggered", seeded.ID: "calltransfer.initiated"}[ev["id"].(string)])
				Expect(ok).To(BeTrue(), string(g.Body))
				vs, err := daily.Validate(e, g.Body)
				Expect(err).NotTo(HaveOccurred())
				Expect(vs).NotTo(BeEmpty(), "the spec validator rejects %s", g.Body)
				Expect(r.verifies(g)).To(BeTrue())
			}
			d := r.delivery(chosen.Deliveries[0])
			Expect(d.Injected[0].Invalid).To(Equal("missing-required"))
			Expect(d.Injected[0].Detail).To(ContainSubstring("missing-required at"))
			Expect(r.delivery(seeded.Deliveries[0]).Injected[0].Invalid).To(BeElementOf("missing-required", "wrong-type", "pattern", "enum"))
		})

		It("slow-send: headers at once, the body dripped over the gap", func() {
			type timing struct {
				reads      int
				start, end time.Time
				body       []byte
			}
			var mu sync.Mutex
			var seen []timing
			slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				t := timing{start: time.Now()}
				buf := make([]byte, 4096)
				for {
					n, err := r.Body.Read(buf)
					t.body = append(t.body, buf[:n]...)
					if n > 0 {
						t.reads++
					}
					if err != nil {
						break
					}
				}
				t.end = time.Now()
				mu.Lock()
				seen = append(seen, t)
				mu.Unlock()
			}))
			defer slow.Close()
			srv, err := mockserver.New(mockserver.Options{})
			Expect(err).NotTo(HaveOccurred())
			defer srv.Close()
			register(srv, map[string]any{"url": slow.URL})
			tr, err := srv.Trigger(ctx, "calltransfer.answered", mockserver.WithFaults(mockserver.Fault{Kind: mockserver.FaultSlowSend, Count: 4, Gap: 400 * time.Millisecond}))
			Expect(err).NotTo(HaveOccurred())
			settle(srv)
			mu.Lock()
			defer mu.Unlock()
			Expect(seen).To(HaveLen(2)) // the probe and the event
			ev := seen[1]
			Expect(ev.body).To(Equal([]byte(tr.Event)))
			Expect(ev.reads).To(BeNumerically(">=", 2), "the body arrived in pieces")
			Expect(ev.end.Sub(ev.start)).To(BeNumerically(">=", 250*time.Millisecond), "three of four pauses happen after the headers")
			d := srv.Deliveries()[0]
			Expect(d.Status).To(Equal(mockserver.StatusDelivered))
			Expect(d.Attempts[0].Latency).To(BeNumerically(">=", 400*time.Millisecond))
		})
	})

	Describe("faults in when and how often", func() {
		It("duplicate: N more deliveries with the same event id, a gap apart on the provider clock", func() {
			r := newRig(mockserver.Options{}, nil, nil)
			t := r.trigger("calltransfer.triggered", "dup:2:10s")
			Expect(t.Deliveries).To(HaveLen(3), "each copy is its own delivery")
			r.waitEvents(1)
			Consistently(func() int { return len(r.events()) }, 50*time.Millisecond).Should(Equal(1))
			r.clock.Advance(10 * time.Second)
			r.waitEvents(2)
			r.clock.Advance(10 * time.Second)
			got := r.waitEvents(3)
			settle(r.srv)
			for _, g := range got {
				Expect(wire.EventID(g.Body)).To(Equal(t.ID))
				Expect(r.verifies(g)).To(BeTrue())
			}
			for i, id := range t.Deliveries {
				d := r.delivery(id)
				Expect(d.Status).To(Equal(mockserver.StatusDelivered))
				Expect(d.Copy).To(Equal(i))
				Expect(d.Attempts[0].At).To(Equal(epoch.Add(time.Duration(i) * 10 * time.Second)))
				Expect(d.Faults).To(Equal([]string{"duplicate"}))
				if i > 0 {
					Expect(d.DuplicateOf).To(Equal(t.Deliveries[0]))
				}
			}
		})

		It("reorder: the held delivery goes after the next one", func() {
			r := newRig(mockserver.Options{Workers: 1}, nil, nil)
			first := r.trigger("calltransfer.triggered", "reorder")
			Consistently(func() int { return len(r.events()) }, 50*time.Millisecond).Should(Equal(0))
			second := r.trigger("calltransfer.initiated", "")
			got := r.waitEvents(2)
			settle(r.srv)
			Expect(wire.EventID(got[0].Body)).To(Equal(second.ID))
			Expect(wire.EventID(got[1].Body)).To(Equal(first.ID))
			d := r.delivery(first.Deliveries[0])
			Expect(d.Faults).To(Equal([]string{"reorder"}))
			Expect(d.Injected[0].Detail).To(HaveSuffix("released after 1 later delivery(ies) went first"))
		})

		It("reorder: a lone event is held for at most the gap", func() {
			r := newRig(mockserver.Options{}, nil, nil)
			t := r.trigger("calltransfer.triggered", "reorder:2:30s")
			Expect(*r.delivery(t.Deliveries[0]).NextAttemptAt).To(Equal(epoch.Add(30 * time.Second)))
			r.clock.Advance(29 * time.Second)
			Consistently(func() int { return len(r.events()) }, 50*time.Millisecond).Should(Equal(0))
			r.clock.Advance(time.Second)
			r.waitEvents(1)
			settle(r.srv)
			d := r.delivery(t.Deliveries[0])
			Expect(d.Attempts[0].At).To(Equal(epoch.Add(30 * time.Second)))
			Expect(d.Injected[0].Detail).To(HaveSuffix("released after 30s with 0 of 2 later delivery(ies) gone first"))
		})

		It("delay: the first attempt goes out the gap later", func() {
			r := newRig(mockserver.Options{}, nil, nil)
			t := r.trigger("calltransfer.answered", "delay:5s")
			d := r.delivery(t.Deliveries[0])
			Expect(d.Status).To(Equal(mockserver.StatusPending))
			Expect(*d.NextAttemptAt).To(Equal(epoch.Add(5 * time.Second)))
			r.clock.Advance(4 * time.Second)
			Consistently(func() int { return len(r.events()) }, 50*time.Millisecond).Should(Equal(0))
			r.clock.Advance(time.Second)
			got := r.waitEvents(1)
			settle(r.srv)
			Expect(got[0].Header.Get("X-Webhook-Timestamp")).To(Equal(strconv.FormatInt(epoch.Add(5*time.Second).Unix(), 10)))
			Expect(r.delivery(t.Deliveries[0]).Attempts[0].At).To(Equal(epoch.Add(5 * time.Second)))
		})

		It("drop-first under circuit-breaker: lost once, re-sent once, not held against the consumer", func() {
			r := newRig(mockserver.Options{}, nil, nil)
			t := r.trigger("calltransfer.answered", "drop")
			Eventually(func() mockserver.Status { return r.delivery(t.Deliveries[0]).Status }, 10*time.Second).Should(Equal(mockserver.StatusRetrying))
			d := r.delivery(t.Deliveries[0])
			Expect(d.Attempts).To(HaveLen(1))
			Expect(d.Attempts[0].Error).To(ContainSubstring("drop-first"))
			Expect(*d.NextAttemptAt).To(Equal(epoch.Add(time.Minute)), "the first exponential back-off")
			Expect(r.events()).To(BeEmpty())
			hook, _ := r.srv.Webhook(r.hook)
			Expect(hook.FailedCount).To(Equal(0))
			r.clock.Advance(time.Minute)
			r.waitEvents(1)
			settle(r.srv)
			d = r.delivery(t.Deliveries[0])
			Expect(d.Status).To(Equal(mockserver.StatusDelivered))
			Expect(d.Attempts).To(HaveLen(2))
			Expect(d.Attempts[1].At).To(Equal(epoch.Add(time.Minute)))
		})

		It("drop-first under exponential: the lost send uses one of the five retries", func() {
			r := newRig(mockserver.Options{}, map[string]any{"retryType": "exponential"}, func(int, *http.Request, []byte) int { return http.StatusBadGateway })
			t := r.trigger("calltransfer.answered", "drop")
			Eventually(func() bool {
				r.clock.Advance(15 * time.Minute)
				return r.delivery(t.Deliveries[0]).Status.Terminal()
			}, 20*time.Second, 5*time.Millisecond).Should(BeTrue())
			d := r.delivery(t.Deliveries[0])
			Expect(d.Status).To(Equal(mockserver.StatusDropped))
			Expect(d.Attempts).To(HaveLen(6))
			Expect(r.events()).To(HaveLen(5), "the consumer saw five of the six attempts")
		})
	})

	It("gives the same faults for the same seed, whatever the concurrency", func() {
		faults, err := wire.ParseFaults("dup@0.3,badsig@0.5,invalid@0.2,stale@0.4")
		Expect(err).NotTo(HaveOccurred())
		run := func(seed uint64) []string {
			srv, err := mockserver.New(mockserver.Options{Seed: seed, Clock: clock.NewVirtual(epoch)})
			Expect(err).NotTo(HaveOccurred())
			defer srv.Close()
			out := make([]string, 40)
			var wg sync.WaitGroup
			for i := range out {
				wg.Go(func() {
					defer GinkgoRecover()
					t, err := srv.Trigger(ctx, "calltransfer.completed", mockserver.WithSeed(uint64(i)), mockserver.WithFaults(faults...))
					Expect(err).NotTo(HaveOccurred())
					raw, _ := json.Marshal(t.Faults)
					out[i] = string(t.Event) + string(raw)
				})
			}
			wg.Wait()
			return out
		}
		a := run(11)
		Expect(run(11)).To(Equal(a))
		Expect(run(12)).NotTo(Equal(a))
		for _, k := range []string{"duplicate", "bad-signature", "schema-violation", "stale-timestamp"} {
			n := 0
			for _, s := range a {
				if strings.Contains(s, `"kind":"`+k+`"`) {
					n++
				}
			}
			Expect(n).To(BeNumerically(">", 0), "%s is applied to some of 40 events", k)
			Expect(n).To(BeNumerically("<", 40), "%s is not applied to all of them", k)
		}
	})

	It("accounts for every copy of a faulty stream in exactly one terminal state", func() {
		r := newRig(mockserver.Options{Seed: 9, AllowMultipleWebhooks: true}, map[string]any{"retryType": "exponential"},
			func(n int, _ *http.Request, _ []byte) int {
				if n%4 == 0 {
					return http.StatusInternalServerError
				}
				return http.StatusOK
			})
		faults, err := wire.ParseFaults("dup:1:3s@0.3,drop@0.2,reorder@0.1,delay:2s@0.2,badsig@0.2")
		Expect(err).NotTo(HaveOccurred())
		want := 0
		for i := range 200 {
			t, err := r.srv.Trigger(ctx, daily.Events[i%len(daily.Events)].Name, mockserver.WithFaults(faults...))
			Expect(err).NotTo(HaveOccurred())
			want += len(t.Deliveries)
		}
		Eventually(func() error {
			r.clock.Advance(15 * time.Minute)
			sctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
			defer cancel()
			return r.srv.Settle(sctx)
		}, 20*time.Second, time.Millisecond).Should(Succeed())
		ds := r.srv.Deliveries()
		Expect(ds).To(HaveLen(want))
		Expect(want).To(BeNumerically(">", 200), "some events were duplicated")
		for _, d := range ds {
			Expect(d.Status.Terminal()).To(BeTrue(), d.ID)
		}
	})

	Describe("the control API and parsing", func() {
		It("takes faults in POST /_mock/events and names the field at fault", func() {
			r := newRig(mockserver.Options{}, nil, nil)
			status, body, raw := api("POST", r.srv.URL+"/_mock/events", "", map[string]any{
				"type":   "calltransfer.answered",
				"faults": []any{"nosig", map[string]any{"kind": "duplicate", "count": 1}},
			})
			Expect(status).To(Equal(http.StatusOK), string(raw))
			Expect(body["deliveries"]).To(HaveLen(2))
			Expect(body["faults"]).To(HaveLen(2))
			settle(r.srv)
			for _, g := range r.waitEvents(2) {
				Expect(g.Header).NotTo(HaveKey("X-Webhook-Signature"))
			}
			for _, bad := range []struct {
				faults any
				info   string
			}{
				{[]any{"dup", map[string]any{"kind": "delay", "gap": "soon"}}, `faults[1].gap: "soon" is not a duration`},
				{[]any{map[string]any{"kind": "delay", "count": 2}}, "faults[0]: delay takes no count"},
				{[]any{map[string]any{"kind": "reorder", "windw": 2}}, "faults[0].windw: unknown field"},
				{"dup,teleport", `faults: fault "teleport": unknown fault "teleport"`},
				{[]any{map[string]any{"kind": "badsig", "probability": 2}}, "faults[0]: probability 2 is not between 0 and 1"},
				{7, "faults: want a list of faults"},
			} {
				status, body, raw := api("POST", r.srv.URL+"/_mock/events", "", map[string]any{"type": "calltransfer.answered", "faults": bad.faults})
				Expect(status).To(Equal(http.StatusBadRequest), string(raw))
				Expect(body["info"]).To(HavePrefix(bad.info))
			}
		})

		It("parses the compact syntax and rejects parameters that do not apply", func() {
			fs, err := wire.ParseFaults("dup:3:1s@0.25, reorder:2, stale:90m, invalid:enum, content-type:text/csv, slow:1s:16")
			Expect(err).NotTo(HaveOccurred())
			Expect(fs).To(Equal([]mockserver.Fault{
				{Kind: mockserver.FaultDuplicate, Count: 3, Gap: time.Second, Probability: 0.25},
				{Kind: mockserver.FaultReorder, Window: 2},
				{Kind: mockserver.FaultStaleTimestamp, Gap: 90 * time.Minute},
				{Kind: mockserver.FaultSchemaViolation, Invalid: "enum"},
				{Kind: mockserver.FaultContentType, ContentType: "text/csv"},
				{Kind: mockserver.FaultSlowSend, Count: 16, Gap: time.Second},
			}))
			for in, msg := range map[string]string{
				"badsig:3":               "bad-signature takes no count",
				"invalid:malformed-json": "use malformed-body",
				"invalid:nonsense":       `unknown invalid kind "nonsense"`,
				"dup@often":              "is not a number",
				"dup:1000":               "at most 100 copies",
				"nosig:5s":               "missing-signature takes no duration",
			} {
				_, err := wire.ParseFaults(in)
				Expect(err).To(MatchError(ContainSubstring(msg)), in)
			}
		})

		It("refuses a schema-violation of a given body", func() {
			srv, err := mockserver.New(mockserver.Options{})
			Expect(err).NotTo(HaveOccurred())
			defer srv.Close()
			_, err = srv.Trigger(ctx, "calltransfer.answered", mockserver.WithBody([]byte(`{"x":1}`)), mockserver.AllowInvalid(),
				mockserver.WithFaults(mockserver.Fault{Kind: mockserver.FaultSchemaViolation}))
			Expect(err).To(MatchError(ContainSubstring("needs a generated event")))
		})
	})
})
