package mockserver_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
)

var _ = Describe("runtime limits", func() {
	var (
		srv    *mockserver.Server
		vclock *clock.Virtual
		c      *consumer
	)
	start := func(l mockserver.Limits) {
		vclock = clock.NewVirtual(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
		var err error
		srv, err = mockserver.New(mockserver.Options{Seed: 1, Clock: vclock, Limits: l})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		c = newConsumer(nil)
		DeferCleanup(c.Close)
		register(srv, map[string]any{"url": c.URL})
	}
	post := func(path string, body any) (int, string) {
		status, _, raw := api("POST", srv.URL+path, token, body)
		return status, string(raw)
	}

	It("refuses waits past limits.maxWait, whole, before anything is recorded", func() {
		start(mockserver.Limits{})
		for _, faults := range []any{
			[]any{map[string]any{"kind": "delay", "gap": "2562047h"}, map[string]any{"kind": "duplicate", "count": 100}},
			[]any{map[string]any{"kind": "duplicate", "count": 100, "gap": "1h"}},
			[]any{map[string]any{"kind": "delay", "gap": "20h"}, map[string]any{"kind": "duplicate", "count": 5, "gap": "1h"}},
			"reorder:48h",
		} {
			status, raw := post("/_mock/events", map[string]any{"type": "calltransfer.triggered", "faults": faults})
			Expect(status).To(Equal(http.StatusBadRequest), raw)
			Expect(raw).To(ContainSubstring("limits.maxWait"))
			Expect(raw).To(ContainSubstring("faults["))
		}
		Expect(srv.Deliveries()).To(BeEmpty())
		status, raw := post("/_mock/events", map[string]any{"type": "calltransfer.triggered", "faults": "delay:24h"})
		Expect(status).To(Equal(http.StatusOK), raw)
	})

	It("answers 429 past limits.maxLiveDeliveries, records nothing of the refused event, and takes events again once they settle", func() {
		start(mockserver.Limits{MaxLiveDeliveries: 5})
		for range 3 {
			status, raw := post("/_mock/events", map[string]any{"type": "calltransfer.triggered", "faults": "delay:1h"})
			Expect(status).To(Equal(http.StatusOK), raw)
		}
		status, raw := post("/_mock/events", map[string]any{"type": "calltransfer.triggered", "faults": "delay:1h,dup:2"})
		Expect(status).To(Equal(http.StatusTooManyRequests), raw)
		Expect(raw).To(ContainSubstring("limits.maxLiveDeliveries"))
		Expect(srv.Deliveries()).To(HaveLen(3))
		status, raw = post("/_mock/events", map[string]any{"type": "calltransfer.triggered", "faults": "delay:1h,dup:1"})
		Expect(status).To(Equal(http.StatusOK), raw)
		vclock.Advance(2 * time.Hour)
		settle(srv)
		for _, d := range srv.Deliveries() {
			Expect(d.Status).To(Equal(mockserver.StatusDelivered))
		}
		status, raw = post("/_mock/events", map[string]any{"type": "calltransfer.triggered", "faults": "dup:4"})
		Expect(status).To(Equal(http.StatusOK), raw)
		settle(srv)
		Expect(srv.Deliveries()).To(HaveLen(10))
	})

	It("refuses more overrides than limits.maxSetKeys at once", func() {
		start(mockserver.Limits{})
		set := map[string]any{}
		for i := range 40_000 {
			set[fmt.Sprintf("payload.k%d", i)] = i
		}
		status, raw := post("/_mock/events", map[string]any{"type": "calltransfer.triggered", "set": set})
		Expect(status).To(Equal(http.StatusBadRequest), raw)
		Expect(raw).To(ContainSubstring("limits.maxSetKeys"))
		status, raw = post("/_mock/scenarios/sip-refer/run", map[string]any{"set": map[string]any{"*": set}})
		Expect(status).To(Equal(http.StatusBadRequest), raw)
		Expect(raw).To(ContainSubstring("limits.maxSetKeys"))
		Expect(srv.Deliveries()).To(BeEmpty())
	})

	It("bounds schedules: the shortest every, jitter, and how many", func() {
		start(mockserver.Limits{MaxItems: 2})
		for _, bad := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"event": "calltransfer.triggered", "count": 1, "every": "1ns"}, "every"},
			{map[string]any{"event": "calltransfer.triggered", "count": 1, "every": "99us"}, "every"},
			{map[string]any{"event": "calltransfer.triggered", "count": 1, "rate": "5/s", "jitter": "2562047h"}, "limits.maxWait"},
			{map[string]any{"event": "calltransfer.triggered", "count": 1, "cron": "@hourly", "faults": "delay:25h"}, "limits.maxWait"},
		} {
			status, raw := post("/_mock/schedules", bad.body)
			Expect(status).To(Equal(http.StatusBadRequest), raw)
			Expect(raw).To(ContainSubstring(bad.field))
		}
		for range 2 {
			status, raw := post("/_mock/schedules", map[string]any{"event": "calltransfer.triggered", "every": "1h", "unbounded": true})
			Expect(status).To(Equal(http.StatusCreated), raw)
		}
		status, raw := post("/_mock/schedules", map[string]any{"event": "calltransfer.triggered", "every": "1h", "unbounded": true})
		Expect(status).To(Equal(http.StatusTooManyRequests), raw)
		Expect(raw).To(ContainSubstring("limits.maxItems"))
		Expect(srv.Schedules()).To(HaveLen(2))
	})

	It("bounds uploaded scenarios, action-error rules and scenario runs", func() {
		start(mockserver.Limits{MaxItems: 1, MaxScenarioRuns: 1})
		yaml := "name: %s\ndescription: d\nsteps:\n  - event: calltransfer.completed\n"
		status, _, raw := api("PUT", srv.URL+"/_mock/scenarios/a", token, fmt.Sprintf(yaml, "a"))
		Expect(status).To(Equal(http.StatusOK), string(raw))
		status, _, raw = api("PUT", srv.URL+"/_mock/scenarios/a", token, fmt.Sprintf(yaml, "a"))
		Expect(status).To(Equal(http.StatusOK), "replacing one is not adding: %s", raw)
		status, _, raw = api("PUT", srv.URL+"/_mock/scenarios/b", token, fmt.Sprintf(yaml, "b"))
		Expect(status).To(Equal(http.StatusTooManyRequests), string(raw))
		Expect(string(raw)).To(ContainSubstring("limits.maxItems"))

		rule := map[string]any{"room": "r", "status": 404, "message": "no"}
		st, out := post("/_mock/action-errors", rule)
		Expect(st).To(Equal(http.StatusCreated), out)
		st, out = post("/_mock/action-errors", rule)
		Expect(st).To(Equal(http.StatusTooManyRequests), out)
		Expect(out).To(ContainSubstring("limits.maxItems"))

		// Under the virtual clock a run waits for the clock: the first one
		// stays going.
		st, out = post("/_mock/scenarios/sip-call-transfer/run", map[string]any{"waitForClock": true})
		Expect(st).To(Equal(http.StatusAccepted), out)
		st, out = post("/_mock/scenarios/sip-call-transfer/run", map[string]any{"waitForClock": true})
		Expect(st).To(Equal(http.StatusTooManyRequests), out)
		Expect(out).To(ContainSubstring("limits.maxScenarioRuns"))
		Expect(strings.Count(out, "run")).To(BeNumerically(">", 0))
	})
})

var _ = Describe("consumer response headers", func() {
	It("fails an attempt past delivery.maxResponseHeaderBytes and records at most log.responseHeaderLimit", func() {
		srv, err := mockserver.New(mockserver.Options{Seed: 1})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		var size atomicInt
		big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			for i := range size.get() / 1024 {
				w.Header().Set(fmt.Sprintf("X-Pad-%04d", i), strings.Repeat("p", 1000))
			}
		}))
		defer big.Close()
		register(srv, map[string]any{"url": big.URL})

		size.set(40 << 10)
		_, err = srv.Trigger(context.Background(), "calltransfer.triggered")
		Expect(err).NotTo(HaveOccurred())
		settle(srv)
		size.set(8 << 20)
		_, err = srv.Trigger(context.Background(), "calltransfer.triggered")
		Expect(err).NotTo(HaveOccurred())
		settle(srv)
		ds := srv.Deliveries()
		Expect(ds).To(HaveLen(2))
		ok := ds[0].Attempts[0]
		Expect(ok.Response).NotTo(BeNil())
		Expect(ok.Response.HeadersTruncated).To(BeTrue())
		n := 0
		for k, vs := range ok.Response.Headers {
			for _, v := range vs {
				n += len(k) + len(v)
			}
		}
		Expect(n).To(BeNumerically("<=", 8<<10))
		Expect(ds[0].Status).To(Equal(mockserver.StatusDelivered))
		huge := ds[1].Attempts[0]
		Expect(huge.Response).To(BeNil())
		Expect(huge.Error).To(ContainSubstring("response headers exceeded"))
		Expect(ds[1].Status).To(Equal(mockserver.StatusDropped))
	})
})

type atomicInt struct{ v atomic.Int64 }

func (a *atomicInt) get() int  { return int(a.v.Load()) }
func (a *atomicInt) set(n int) { a.v.Store(int64(n)) }

var _ = Describe("server.writeTimeout", func() {
	It("does not cut a scenario run the caller waits for, which outlasts it", func() {
		srv, err := mockserver.New(mockserver.Options{Seed: 1, Server: mockserver.ServerTimeouts{Write: 300 * time.Millisecond}})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		yaml := "name: slow\ndescription: d\nsteps:\n  - event: calltransfer.triggered\n  - event: calltransfer.completed\n    after: 1s\n"
		status, _, raw := api("PUT", srv.URL+"/_mock/scenarios/slow", token, yaml)
		Expect(status).To(Equal(http.StatusOK), string(raw))
		status, m, raw := api("POST", srv.URL+"/_mock/scenarios/slow/run", token, map[string]any{"wait": true})
		Expect(status).To(Equal(http.StatusOK), string(raw))
		Expect(m["status"]).To(Equal("done"))
	})
})
