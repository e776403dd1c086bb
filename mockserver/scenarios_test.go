package mockserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/scenario"
	"github.com/hookmock/hookmock/spec"
)

// arrived is one event as the consumer received it.
type arrived struct {
	received
	Type    string
	ID      string
	Payload map[string]any
	EventTS float64
}

// moment is the event's time in Unix seconds: payload.timestamp where the
// event has one, else event_ts (participant.left has no timestamp).
func (a arrived) moment() int64 {
	if ts, ok := a.Payload["timestamp"]; ok {
		if f, isNumber := ts.(float64); isNumber { // streaming's integer form
			return int64(f)
		}
		n, err := strconv.ParseInt(fmt.Sprint(ts), 10, 64)
		Expect(err).NotTo(HaveOccurred())
		return n
	}
	return int64(a.EventTS)
}

// eventsAt returns the events a consumer got after the probe, each checked
// against the contract and its Daily signature recomputed independently.
func eventsAt(c *consumer, hmacSecret string) []arrived {
	daily, err := spec.Default()
	Expect(err).NotTo(HaveOccurred())
	var out []arrived
	for _, r := range c.requests() {
		if string(r.Body) == `{"test":"test"}` {
			continue
		}
		ts := r.Header.Get("X-Webhook-Timestamp")
		Expect(r.Header.Get("X-Webhook-Signature")).To(Equal(dailySignature(hmacSecret, ts, r.Body)), string(r.Body))
		var ev struct {
			Type    string         `json:"type"`
			ID      string         `json:"id"`
			Payload map[string]any `json:"payload"`
			EventTS float64        `json:"event_ts"`
		}
		Expect(json.Unmarshal(r.Body, &ev)).To(Succeed())
		e, ok := daily.EventByType(ev.Type)
		Expect(ok).To(BeTrue(), ev.Type)
		vs, err := daily.Validate(e, r.Body)
		Expect(err).NotTo(HaveOccurred())
		Expect(vs).To(BeEmpty(), string(r.Body))
		out = append(out, arrived{received: r, Type: ev.Type, ID: ev.ID, Payload: ev.Payload, EventTS: ev.EventTS})
	}
	return out
}

func typesOf(evs []arrived) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}

// expectOneTransfer checks what every built-in promises: one room, one
// session, one meeting session, the webhook's domain, ordered moments
// (strictly increasing for the calltransfer events), each signed at its
// own moment rather than when the scenario had moved on.
func expectOneTransfer(evs []arrived, domainID string) {
	first := evs[0].Payload
	var mtg any // the first event with one sets the meeting session
	for i, e := range evs {
		Expect(e.Payload["room"]).To(Equal(first["room"]), "event %d %s", i, e.Type)
		Expect(e.Payload["session_id"]).To(Equal(first["session_id"]), "event %d %s", i, e.Type)
		if v, ok := e.Payload["mtg_session_id"]; ok {
			if mtg == nil {
				mtg = v
			}
			Expect(v).To(Equal(mtg), "event %d %s", i, e.Type)
		}
		if v, ok := e.Payload["domain_id"]; ok {
			Expect(v).To(Equal(domainID), "event %d %s", i, e.Type)
		}
		Expect(e.EventTS).To(BeNumerically(">=", float64(e.moment())), "event_ts is not before the event")
		signed, err := strconv.ParseInt(e.Header.Get("X-Webhook-Timestamp"), 10, 64)
		Expect(err).NotTo(HaveOccurred())
		Expect(math.Abs(float64(signed-e.moment()))).To(BeNumerically("<=", 5), "event %d %s signed at %d, happened at %d", i, e.Type, signed, e.moment())
		if i == 0 {
			continue
		}
		Expect(e.moment()).To(BeNumerically(">=", evs[i-1].moment()), "event %d %s goes back in time", i, e.Type)
	}
	var last int64
	for _, e := range evs {
		if strings.HasPrefix(e.Type, "calltransfer.") {
			Expect(e.moment()).To(BeNumerically(">", last), "%s timestamp", e.Type)
			last = e.moment()
		}
	}
}

var _ = Describe("scenarios on the mock provider", func() {
	var (
		ctx    context.Context
		vclock *clock.Virtual
		srv    *mockserver.Server
		c      *consumer
		hook   map[string]any
	)
	BeforeEach(func() {
		ctx = context.Background()
		vclock = clock.NewVirtual(time.Now().Truncate(time.Second))
		var err error
		srv, err = mockserver.New(mockserver.Options{Clock: vclock, Seed: 11, SeededSecrets: true, APIKey: token})
		Expect(err).NotTo(HaveOccurred())
		c = newConsumer(nil)
		hook = register(srv, map[string]any{"url": c.URL})
	})
	AfterEach(func() {
		srv.Close()
		c.Close()
	})
	events := func() []arrived {
		settle(srv)
		return eventsAt(c, hook["hmac"].(string))
	}

	DescribeTable("plays each built-in at a consumer, in order, correlated, with realistic gaps on the virtual clock",
		func(name string, vars map[string]any, want []string) {
			start := vclock.Now()
			seed := uint64(42)
			run, err := srv.RunScenario(ctx, name, mockserver.RunOptions{Seed: &seed, Vars: vars, Advance: true})
			Expect(err).NotTo(HaveOccurred())
			evs := events()
			Expect(typesOf(evs)).To(Equal(want))
			expectOneTransfer(evs, hook["domainId"].(string))
			Expect(run.Events).To(HaveLen(len(want)))
			for i, e := range run.Events {
				Expect(evs[i].ID).To(Equal(e.ID), "the consumer got the run's events in the run's order")
			}
			// Seconds of ringing and a call of seconds to minutes took no
			// real time, but moved the virtual clock.
			if len(want) == 7 {
				Expect(vclock.Now().Sub(start)).To(BeNumerically(">", 15*time.Second))
				Expect(run.Events[5].At.Sub(run.Events[4].At)).To(BeNumerically(">=", 3*time.Second))
			}
		},
		Entry("sip-call-transfer", scenario.SIPCallTransfer, nil, []string{"participant.joined", "calltransfer.triggered", "calltransfer.initiated",
			"participant.left", "dialin.stopped", "calltransfer.answered", "calltransfer.completed"}),
		Entry("sip-refer (default: no answered/completed)", scenario.SIPRefer, nil, []string{"participant.joined", "calltransfer.triggered",
			"calltransfer.initiated", "participant.left", "dialin.stopped"}),
		Entry("sip-refer with referEmitsAnswered", scenario.SIPRefer, map[string]any{"referEmitsAnswered": true}, []string{"participant.joined",
			"calltransfer.triggered", "calltransfer.initiated", "participant.left", "dialin.stopped", "calltransfer.answered", "calltransfer.completed"}),
		Entry("pstn-transfer", scenario.PSTNTransfer, nil, []string{"participant.joined", "calltransfer.triggered", "calltransfer.initiated",
			"participant.left", "dialout.stopped", "calltransfer.answered", "calltransfer.completed"}),
		Entry("sip-call-transfer from the transfer on (withJoin=false)", scenario.SIPCallTransfer, map[string]any{"withJoin": false}, []string{"calltransfer.triggered", "calltransfer.initiated",
			"participant.left", "dialin.stopped", "calltransfer.answered", "calltransfer.completed"}),
	)

	It("gives the same events for the same seed, and the same timestamps under the virtual clock", func() {
		other, err := mockserver.New(mockserver.Options{Clock: clock.NewVirtual(vclock.Now()), Seed: 11, SeededSecrets: true})
		Expect(err).NotTo(HaveOccurred())
		defer other.Close()
		c2 := newConsumer(nil)
		defer c2.Close()
		hook2 := register(other, map[string]any{"url": c2.URL})
		Expect(hook2["hmac"]).To(Equal(hook["hmac"]), "same server seed, same secret")
		seed := uint64(5)
		for _, s := range []*mockserver.Server{srv, other} {
			_, err := s.RunScenario(ctx, scenario.SIPCallTransfer, mockserver.RunOptions{Seed: &seed, Faults: []mockserver.Fault{{Kind: mockserver.FaultStaleTimestamp}}, Advance: true})
			Expect(err).NotTo(HaveOccurred())
		}
		settle(other)
		a, b := events(), eventsAt(c2, hook2["hmac"].(string))
		Expect(a).To(HaveLen(7))
		Expect(b).To(HaveLen(len(a)))
		for i := range a {
			Expect(string(b[i].Body)).To(Equal(string(a[i].Body)))
			Expect(b[i].Header.Get("X-Webhook-Timestamp")).To(Equal(a[i].Header.Get("X-Webhook-Timestamp")))
		}
		Expect(srv.Deliveries()[0].Faults).To(ContainElement("stale-timestamp"))
	})

	It("applies a step's faults and records them in the delivery log", func() {
		sc, err := scenario.Parse("dup.yaml", []byte(`
name: dup-initiated
description: initiated arrives twice
steps:
  - event: calltransfer.triggered
  - event: calltransfer.initiated
    after: 200ms
    faults: [dup]
`), scenario.Options{})
		Expect(err).NotTo(HaveOccurred())
		_, err = srv.PlayScenario(ctx, sc, mockserver.RunOptions{Advance: true})
		Expect(err).NotTo(HaveOccurred())
		evs := events()
		Expect(typesOf(evs)).To(Equal([]string{"calltransfer.triggered", "calltransfer.initiated", "calltransfer.initiated"}))
		Expect(evs[2].ID).To(Equal(evs[1].ID))
		for _, d := range srv.Deliveries(mockserver.Filter{EventType: "calltransfer.initiated"}) {
			Expect(d.Faults).To(ContainElement("duplicate"))
		}
	})

	Describe("the control API", func() {
		It("lists the built-ins with their descriptions", func() {
			status, body, raw := api("GET", srv.URL+"/_mock/scenarios", token, nil)
			Expect(status).To(Equal(http.StatusOK), string(raw))
			var names []string
			for _, s := range body["scenarios"].([]any) {
				m := s.(map[string]any)
				Expect(m["description"]).NotTo(BeEmpty())
				names = append(names, m["name"].(string))
			}
			Expect(names).To(Equal([]string{"batch-processor", "dial-in", "dial-out", "meeting", "meeting-with-transcript", "pstn-transfer",
				"recording-error", "sip-call-transfer", "sip-refer", "streaming", "waiting-room"}))
		})

		It("runs a scenario with a seed, variables and overrides, and waits when asked", func() {
			status, body, raw := api("POST", srv.URL+"/_mock/scenarios/sip-refer/run", token, map[string]any{
				"seed": 9, "wait": true, "advance": true, "vars": map[string]any{"referEmitsAnswered": true, "room": "support-escalation"},
				"set": map[string]any{"calltransfer.completed": map[string]any{"payload.from_endpoint": "sip:bot@pbx.example.net"}},
			})
			Expect(status).To(Equal(http.StatusOK), string(raw))
			Expect(body["status"]).To(Equal("done"))
			Expect(body["seed"]).To(Equal("9"))
			Expect(body["events"]).To(HaveLen(7))
			evs := events()
			Expect(evs).To(HaveLen(7))
			Expect(evs[0].Payload["room"]).To(Equal("support-escalation"))
			Expect(evs[1].Payload["is_sip_refer"]).To(BeTrue())
			Expect(evs[6].Payload["from_endpoint"]).To(Equal("sip:bot@pbx.example.net"))
		})

		It("starts a run in the background and shows it", func() {
			status, body, raw := api("POST", srv.URL+"/_mock/scenarios/pstn-transfer/run", token, map[string]any{"faults": "dup", "advance": true})
			Expect(status).To(Equal(http.StatusAccepted), string(raw))
			Expect(body["planned"]).To(HaveLen(7))
			id := body["id"].(string)
			Eventually(func() any {
				_, run, _ := api("GET", srv.URL+"/_mock/scenarios/runs/"+id, token, nil)
				return run["status"]
			}, 10*time.Second, 5*time.Millisecond).Should(Equal("done"))
			Expect(events()).To(HaveLen(14), "each event and its duplicate")
			status, _, _ = api("GET", srv.URL+"/_mock/scenarios/runs/run_999", token, nil)
			Expect(status).To(Equal(http.StatusNotFound))
		})

		It("adds scenarios written in YAML, reporting errors with line and column", func() {
			status, _, raw := api("PUT", srv.URL+"/_mock/scenarios/mine", token, "name: mine\ndescription: d\nsteps:\n  - event: calltransfer.nope\n")
			Expect(status).To(Equal(http.StatusBadRequest))
			Expect(string(raw)).To(ContainSubstring(`mine.yaml:4:12: steps[0].event: unknown event \"calltransfer.nope\"`))
			status, _, raw = api("PUT", srv.URL+"/_mock/scenarios/mine", token, "name: mine\ndescription: d\nsteps:\n  - event: calltransfer.completed\n    repeat: 3\n")
			Expect(status).To(Equal(http.StatusOK), string(raw))
			status, body, raw := api("POST", srv.URL+"/_mock/scenarios/mine/run", token, map[string]any{"wait": true, "advance": true})
			Expect(status).To(Equal(http.StatusOK), string(raw))
			Expect(body["events"]).To(HaveLen(3))
		})

		DescribeTable("rejects bad run requests with the field at fault",
			func(path string, body any, status int, info string) {
				got, m, raw := api("POST", srv.URL+path, token, body)
				Expect(got).To(Equal(status), string(raw))
				Expect(m["info"]).To(ContainSubstring(info))
			},
			Entry("unknown scenario", "/_mock/scenarios/nope/run", nil, http.StatusNotFound, `no built-in scenario "nope"`),
			Entry("bad session id", "/_mock/scenarios/sip-refer/run", map[string]any{"vars": map[string]any{"sessionId": "abc"}}, http.StatusBadRequest, `vars.sessionId: "abc" is not a uuid`),
			Entry("undeclared variable", "/_mock/scenarios/sip-refer/run", map[string]any{"vars": map[string]any{"fromDialIn": true}}, http.StatusBadRequest, "vars.fromDialIn: sip-refer declares no such variable"),
			Entry("unknown fault", "/_mock/scenarios/sip-refer/run", map[string]any{"faults": []string{"wobble"}}, http.StatusBadRequest, `faults: fault "wobble"`),
			Entry("bad speed", "/_mock/scenarios/sip-refer/run", map[string]any{"speed": "fast"}, http.StatusBadRequest, "speed"),
			Entry("unknown field", "/_mock/scenarios/sip-refer/run", map[string]any{"sed": 1}, http.StatusBadRequest, `unknown field "sed"`),
			Entry("override for an event it does not emit", "/_mock/scenarios/sip-refer/run", map[string]any{"set": map[string]any{"dialout.stopped": map[string]any{"payload.room": "x"}}},
				http.StatusBadRequest, "set.dialout.stopped: sip-refer emits no such event"),
		)
	})
})

var _ = Describe("scenario runs and shutdown", func() {
	It("interrupts a real-time run when the server closes, leaving no goroutine behind", func() {
		srv, err := mockserver.New(mockserver.Options{Seed: 3})
		Expect(err).NotTo(HaveOccurred())
		c := newConsumer(nil)
		defer c.Close()
		register(srv, map[string]any{"url": c.URL})
		sc, err := scenario.Builtin(scenario.SIPCallTransfer, scenario.Options{})
		Expect(err).NotTo(HaveOccurred())
		run, err := srv.StartScenario(sc, mockserver.RunOptions{Vars: map[string]any{"withJoin": false}})
		Expect(err).NotTo(HaveOccurred())
		// Ringing takes seconds of real time: the run is waiting now.
		Eventually(func() int { return len(run.Info().Events) }, 5*time.Second, 5*time.Millisecond).Should(BeNumerically(">=", 4))
		srv.Close()
		Eventually(run.Done(), 5*time.Second).Should(BeClosed())
		Expect(run.Info().Status).To(Equal(mockserver.RunInterrupted))
		_, err = srv.StartScenario(sc, mockserver.RunOptions{})
		Expect(err).To(HaveOccurred(), "a closed server starts no run")
	})
})
