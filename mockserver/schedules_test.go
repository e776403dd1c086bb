package mockserver_test

import (
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
)

// scheduleIdle waits until every running schedule sleeps on a firing still
// in the future, so the test may move the clock.
func scheduleIdle(srv *mockserver.Server, clock *clock.Virtual) {
	Eventually(func() bool {
		running := 0
		for _, st := range srv.Schedules() {
			if st.State != "running" {
				continue
			}
			running++
			if st.Next == nil || !st.Next.After(clock.Now()) {
				return false
			}
		}
		return clock.Waiters() >= running
	}, 20*time.Second, time.Millisecond).Should(BeTrue())
}

func writeConfig(text string) string {
	path := filepath.Join(GinkgoT().TempDir(), "hookmock.yaml")
	Expect(os.WriteFile(path, []byte(text), 0o600)).To(Succeed())
	return path
}

var _ = Describe("schedules", func() {
	It("fires about 3,000 events in 60 virtual seconds at rate 50/s", func() {
		r := newRig(mockserver.Options{Seed: 2026}, nil, nil)
		status, body, raw := api("POST", r.srv.URL+"/_mock/schedules", "", map[string]any{"id": "storm", "event": "calltransfer.triggered", "rate": "50/s", "unbounded": true})
		Expect(status).To(Equal(http.StatusCreated), string(raw))
		Expect(body["ratePerSecond"]).To(BeNumerically("==", 50))
		scheduleIdle(r.srv, r.clock)
		r.clock.Advance(60 * time.Second)
		scheduleIdle(r.srv, r.clock)
		settle(r.srv)
		// Poisson: sd = √3000 ≈ 55; ±5 sd is a false alarm once in 1.7
		// million seeds, and this seed is fixed.
		n := len(r.events())
		GinkgoWriter.Printf("rate 50/s over 60 s: %d events\n", n)
		Expect(float64(n)).To(BeNumerically("~", 3000, 5*math.Sqrt(3000)))
		st := r.srv.Schedules()[0]
		Expect(st.Fired).To(Equal(n))
		Expect(st.Errors).To(BeZero())
		Expect(r.srv.Deliveries(mockserver.Filter{Status: mockserver.StatusDelivered})).To(HaveLen(n))
	})

	It("fires interval and cron schedules from hookmock.yaml at exact virtual times", func() {
		cfg, err := mockserver.LoadConfig(writeConfig(`
schedules:
  - id: tick
    event: calltransfer.triggered
    every: 30s
    count: 2
  - id: quarter
    event: calltransfer.answered
    cron: "*/15 * * * * *"
    until: 40s
`))
		Expect(err).NotTo(HaveOccurred())
		var opts mockserver.Options
		cfg.Apply(&opts)
		r := newRig(opts, nil, nil)
		want := []struct {
			at    time.Duration
			types []string
		}{
			{15 * time.Second, []string{"calltransfer.answered"}},
			{30 * time.Second, []string{"calltransfer.triggered", "calltransfer.answered"}},
			{60 * time.Second, []string{"calltransfer.triggered"}},
		}
		seen := 0
		for _, w := range want {
			scheduleIdle(r.srv, r.clock)
			r.clock.Set(epoch.Add(w.at - time.Nanosecond))
			Consistently(func() int { return len(r.srv.Deliveries()) }, 30*time.Millisecond).Should(Equal(seen))
			r.clock.Set(epoch.Add(w.at))
			Eventually(func() int { return len(r.srv.Deliveries()) }, 10*time.Second).Should(Equal(seen + len(w.types)))
			var types []string
			for _, d := range r.srv.Deliveries()[seen:] {
				Expect(d.CreatedAt).To(Equal(epoch.Add(w.at)), d.EventType)
				types = append(types, d.EventType)
			}
			Expect(types).To(ConsistOf(w.types))
			seen += len(w.types)
			for _, g := range r.waitEvents(seen)[seen-len(w.types):] {
				Expect(g.Header.Get("X-Webhook-Timestamp")).To(Equal(strconv.FormatInt(epoch.Add(w.at).Unix(), 10)))
			}
		}
		sts := r.srv.Schedules()
		Expect(sts).To(HaveLen(2))
		Expect(sts[0].State).To(Equal("done"), "tick stops after its count")
		Expect(sts[0].Fired).To(Equal(2))
		Expect(sts[1].State).To(Equal("done"), "quarter stops before 12:00:45, past its until")
		Expect(sts[1].Fired).To(Equal(2))
		Expect(*sts[1].Until).To(Equal(epoch.Add(40 * time.Second)))
	})

	It("applies a schedule's faults with their probability, the same way for the same seed", func() {
		run := func() []string {
			r := newRig(mockserver.Options{Seed: 77}, nil, nil)
			_, err := r.srv.AddSchedule(mockserver.ScheduleConfig{Event: "calltransfer.completed", Every: time.Second, Count: 30,
				Faults: []mockserver.Fault{{Kind: mockserver.FaultBadSignature, Probability: 0.5}}})
			Expect(err).NotTo(HaveOccurred())
			scheduleIdle(r.srv, r.clock)
			r.clock.Advance(30 * time.Second)
			settle(r.srv)
			got := r.waitEvents(30)
			bad := 0
			for _, g := range got {
				if !r.verifies(g) {
					bad++
				}
			}
			var faults []string
			for _, d := range r.srv.Deliveries() {
				faults = append(faults, d.EventID+":"+strconv.Itoa(len(d.Faults)))
				if len(d.Faults) > 0 {
					Expect(d.Faults).To(Equal([]string{"bad-signature"}))
				}
			}
			Expect(bad).To(BeNumerically(">", 0))
			Expect(bad).To(BeNumerically("<", 30))
			withFault := 0
			for _, d := range r.srv.Deliveries() {
				withFault += len(d.Faults)
			}
			Expect(withFault).To(Equal(bad), "exactly the logged deliveries fail the consumer's check")
			return faults
		}
		Expect(run()).To(Equal(run()))
	})

	It("is managed through the control API", func() {
		r := newRig(mockserver.Options{}, nil, nil)
		status, created, raw := api("POST", r.srv.URL+"/_mock/schedules", "", map[string]any{
			"event": "calltransfer.initiated", "every": "1m", "jitter": "5s", "count": 10,
			"set": map[string]any{"payload.room": "sales"}, "faults": []any{"dup@0.5"},
		})
		Expect(status).To(Equal(http.StatusCreated), string(raw))
		Expect(created["id"]).To(Equal("sch_1"))
		Expect(created["state"]).To(Equal("running"))
		Expect(created["faults"]).To(Equal([]any{"duplicate@0.5"}))
		scheduleIdle(r.srv, r.clock)
		_, list, _ := api("GET", r.srv.URL+"/_mock/schedules", "", nil)
		sts := list["schedules"].([]any)
		Expect(sts).To(HaveLen(1))
		st := sts[0].(map[string]any)
		next, err := time.Parse(time.RFC3339Nano, st["next"].(string))
		Expect(err).NotTo(HaveOccurred())
		Expect(next).To(BeTemporally(">=", epoch.Add(time.Minute)))
		Expect(next).To(BeTemporally("<", epoch.Add(time.Minute+5*time.Second)))
		Expect(st["fired"]).To(BeNumerically("==", 0))

		r.clock.Set(next)
		scheduleIdle(r.srv, r.clock)
		settle(r.srv)
		Eventually(func() int { return len(r.events()) }, 10*time.Second).Should(BeNumerically(">=", 1), "one event, perhaps duplicated")
		Expect(string(r.events()[0].Body)).To(ContainSubstring(`"room":"sales"`))
		_, list, _ = api("GET", r.srv.URL+"/_mock/schedules", "", nil)
		Expect(list["schedules"].([]any)[0].(map[string]any)["fired"]).To(BeNumerically("==", 1))

		status, gone, _ := api("DELETE", r.srv.URL+"/_mock/schedules/sch_1", "", nil)
		Expect(status).To(Equal(http.StatusOK))
		Expect(gone["state"]).To(Equal("stopped"))
		Expect(gone["next"]).To(BeNil())
		_, list, _ = api("GET", r.srv.URL+"/_mock/schedules", "", nil)
		Expect(list["schedules"]).To(BeEmpty())
		status, _, _ = api("DELETE", r.srv.URL+"/_mock/schedules/sch_1", "", nil)
		Expect(status).To(Equal(http.StatusNotFound))

		for _, bad := range []struct {
			body map[string]any
			info string
		}{
			{map[string]any{"event": "calltransfer.nope", "every": "1s"}, `event: no event "calltransfer.nope"`},
			{map[string]any{"event": "calltransfer.answered", "rate": "lots"}, `rate: "lots" is not a rate`},
			{map[string]any{"event": "calltransfer.answered", "every": "1s", "cron": "* * * * *"}, "every: give exactly one of every, cron or rate"},
			{map[string]any{"every": "1s"}, "event: give exactly one of event or scenario"},
			{map[string]any{"event": "calltransfer.answered", "every": "1s", "count": 1.5}, "count: want a positive whole number"},
			{map[string]any{"event": "calltransfer.answered", "every": "1s", "faults": []any{map[string]any{"kind": "dup", "gap": "x"}}}, `faults[0].gap: "x" is not a duration`},
			{map[string]any{"event": "calltransfer.answered", "every": "1s", "colour": "red"}, "colour: unknown field"},
			{map[string]any{"id": "a/b", "event": "calltransfer.answered", "every": "1s"}, `id: "a/b": use letters`},
			{map[string]any{"event": "calltransfer.answered", "every": "1s", "set": []any{"payload.room"}}, "set: override"},
		} {
			status, body, raw := api("POST", r.srv.URL+"/_mock/schedules", "", bad.body)
			Expect(status).To(Equal(http.StatusBadRequest), string(raw))
			Expect(body["info"]).To(HavePrefix(bad.info))
		}
	})

	It("starts a scenario run per firing", func() {
		r := newRig(mockserver.Options{Seed: 4}, nil, nil)
		st, err := r.srv.AddSchedule(mockserver.ScheduleConfig{ID: "calls", Scenario: "sip-call-transfer", Every: time.Hour, Count: 1})
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Scenario).To(Equal("sip-call-transfer"))
		scheduleIdle(r.srv, r.clock)
		r.clock.Set(epoch.Add(time.Hour))
		Eventually(func() int { return len(r.srv.ScenarioRuns()) }, 10*time.Second).Should(Equal(1))
		run := r.srv.ScenarioRuns()[0]
		// The run's steps wait on the virtual clock like the schedule does.
		Eventually(func() bool {
			select {
			case <-run.Done():
				return true
			default:
				r.clock.Advance(time.Minute)
				return false
			}
		}, 20*time.Second, time.Millisecond).Should(BeTrue())
		info := run.Info()
		Expect(info.Status).To(Equal(mockserver.RunDone), info.Error)
		Expect(info.Origin).To(Equal("schedule calls"))
		settle(r.srv)
		var types []string
		for _, d := range r.srv.Deliveries() {
			types = append(types, d.EventType)
		}
		Expect(types).To(ContainElements("calltransfer.triggered", "calltransfer.initiated", "calltransfer.answered", "calltransfer.completed"))
		Expect(r.srv.Schedules()[0].Fired).To(Equal(1))

		_, err = r.srv.AddSchedule(mockserver.ScheduleConfig{Scenario: "no-such-scenario", Every: time.Hour})
		Expect(err).To(MatchError(ContainSubstring("scenario: ")))
	})

	It("stops every schedule on shutdown", func() {
		clock := clock.NewVirtual(epoch)
		srv, err := mockserver.New(mockserver.Options{Clock: clock, Schedules: []mockserver.ScheduleConfig{
			{Event: "calltransfer.answered", Every: time.Second}, {Event: "calltransfer.answered", Rate: 100},
		}})
		Expect(err).NotTo(HaveOccurred())
		scheduleIdle(srv, clock)
		srv.Close()
		for _, st := range srv.Schedules() {
			Expect(st.State).To(Equal("stopped"))
		}
		_, err = srv.AddSchedule(mockserver.ScheduleConfig{Event: "calltransfer.answered", Every: time.Second})
		Expect(err).To(MatchError(ContainSubstring("shutting down")))
	})

	Describe("bad config files", func() {
		DescribeTable("fail with file, line and column",
			func(text, want string) {
				path := writeConfig(text)
				cfg, err := mockserver.LoadConfig(path)
				if err == nil {
					// Errors that need the contract surface when the server starts.
					var opts mockserver.Options
					cfg.Apply(&opts)
					_, err = mockserver.NewProvider(opts)
				}
				Expect(err).To(HaveOccurred())
				Expect(err.Error()).To(HavePrefix(path + ":" + want))
			},
			Entry("a bad rate", "schedules:\n  - event: calltransfer.answered\n    rate: fast\n",
				`3:11: schedules[0].rate: "fast" is not a rate (e.g. 50/s, 3000/m, 2/h)`),
			Entry("a bad cron", "schedules:\n  - event: calltransfer.answered\n    cron: \"61 * * * *\"\n",
				`3:11: schedules[0].cron: "61 * * * *" is not a cron expression (e.g. "*/5 * * * *", "*/10 * * * * *" with seconds, "@hourly"): end of range (61) above maximum (59): 61`),
			Entry("two timings", "schedules:\n  - event: calltransfer.answered\n    every: 5s\n    rate: 2/s\n",
				"3:12: schedules[0].every: give exactly one of every, cron or rate"),
			Entry("an unknown key", "schedules:\n  - event: calltransfer.answered\n    every: 5s\n    evry: 5s\n",
				"4:5: schedules[0].evry: unknown field (have id, event, scenario, every, cron, rate, jitter, count, until, unbounded, set, faults); did you mean \"every\"?"),
			Entry("a bad fault gap", "schedules:\n  - event: calltransfer.answered\n    every: 5s\n    faults:\n      - dup\n      - {kind: delay, gap: soon}\n",
				`6:28: schedules[0].faults[1].gap: "soon" is not a duration (e.g. 500ms, 5s, 15m)`),
			Entry("a bad until", "schedules:\n  - event: calltransfer.answered\n    every: 5s\n    until: tomorrow\n",
				`4:12: schedules[0].until: "tomorrow" is neither an RFC 3339 time (2026-03-01T12:00:00Z) nor a positive duration (1h)`),
			Entry("a negative count", "schedules:\n  - event: calltransfer.answered\n    every: 5s\n    count: -3\n",
				"4:12: schedules[0].count: want a positive whole number, got the number -3"),
			Entry("not a list", "schedules:\n  event: calltransfer.answered\n",
				"2:3: schedules: want a list of schedules"),
			Entry("an event the contract lacks", "schedules:\n  - every: 5s\n    event: calltransfer.answred\n  - every: 5s\n    event: calltransfer.answered\n",
				`3:12: schedules[0].event: no event "calltransfer.answred"; this mock serves batch-processor.error, `),
		)
	})
})
