package mockserver_test

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/scenario"
)

// Each built-in is played with seeds 0, 1, 2, … until every branch has been
// taken, and with at least dailyMinSeeds of them; dailyMaxSeeds bounds the
// search (the test fails if a branch is still missing). Playing stops early
// because the suite runs under the race detector too.
const (
	dailyMinSeeds = 4
	dailyMaxSeeds = 40
)

// Every built-in scenario, played through the provider to a consumer on a
// virtual clock, tells a story Daily's events could tell: one room and one
// meeting, each leave matching a join, moments that only go forward, a
// meeting.ended within 20 s of the last leave, and the delivered times
// exactly those of the plan.
var _ = Describe("Daily's built-in scenarios", func() {
	var (
		ctx    context.Context
		vclock *clock.Virtual
		srv    *mockserver.Server
		c      *consumer
		hook   map[string]any
	)
	BeforeEach(func() {
		ctx = context.Background()
		vclock = clock.NewVirtual(time.Date(2026, 2, 2, 4, 4, 55, 0, time.UTC))
		var err error
		srv, err = mockserver.New(mockserver.Options{Clock: vclock, Seed: 16, SeededSecrets: true, APIKey: token})
		Expect(err).NotTo(HaveOccurred())
		c = newConsumer(nil)
		hook = register(srv, map[string]any{"url": c.URL})
	})
	AfterEach(func() {
		srv.Close()
		c.Close()
	})

	DescribeTable("play correlated, ordered and on plan",
		func(name string, branches []string) {
			seen := map[string]bool{}
			allSeen := func() bool {
				for _, b := range branches {
					if !seen[b] {
						return false
					}
				}
				return true
			}
			done := 0
			for seed := uint64(0); seed < dailyMaxSeeds && (seed < dailyMinSeeds || !allSeen()); seed++ {
				run, err := srv.RunScenario(ctx, name, mockserver.RunOptions{Seed: &seed, Advance: true})
				Expect(err).NotTo(HaveOccurred())
				settle(srv)
				all := eventsAt(c, hook["hmac"].(string))
				evs := all[done:]
				done = len(all)
				Expect(evs).To(HaveLen(len(run.Events)), "seed %d", seed)
				for i := range evs {
					Expect(evs[i].ID).To(Equal(run.Events[i].ID), "seed %d: the consumer got the run's events in order", seed)
					seen[evs[i].Type] = true
				}
				checkStory(name, seed, run, evs)
			}
			for _, b := range branches {
				Expect(seen).To(HaveKey(b), "%d seeds never took the branch with %s", dailyMaxSeeds, b)
			}
		},
		Entry("meeting", "meeting", []string{"meeting.started", "participant.joined", "recording.started", "participant.left", "recording.ready-to-download", "meeting.ended"}),
		Entry("meeting-with-transcript", "meeting-with-transcript", []string{"transcript.started", "transcript.ready-to-download", "transcript.error", "meeting.ended"}),
		Entry("waiting-room", "waiting-room", []string{"waiting-participant.joined", "waiting-participant.left", "participant.joined", "meeting.ended"}),
		Entry("dial-in", "dial-in", []string{"dialin.ready", "dialin.connected", "dialin.warning", "dialin.error", "dialin.stopped"}),
		Entry("dial-out", "dial-out", []string{"dialout.connected", "dialout.answered", "dialout.error", "dialout.stopped"}),
		Entry("streaming", "streaming", []string{"streaming.started", "streaming.updated", "streaming.warning", "streaming.error", "streaming.ended"}),
		Entry("recording-error", "recording-error", []string{"recording.started", "recording.error", "recording.ready-to-download"}),
		Entry("batch-processor", "batch-processor", []string{"recording.ready-to-download", "batch-processor.job-finished", "batch-processor.error"}),
		Entry("sip-call-transfer", scenario.SIPCallTransfer, []string{"participant.joined", "participant.left", "calltransfer.completed"}),
		Entry("sip-refer", scenario.SIPRefer, []string{"participant.joined", "participant.left"}),
		Entry("pstn-transfer", scenario.PSTNTransfer, []string{"participant.joined", "participant.left", "dialout.stopped"}),
	)

	It("plays the meeting without a recording when record=false", func() {
		run, err := srv.RunScenario(ctx, "meeting", mockserver.RunOptions{Vars: map[string]any{"record": false}, Advance: true})
		Expect(err).NotTo(HaveOccurred())
		settle(srv)
		evs := eventsAt(c, hook["hmac"].(string))
		Expect(typesOf(evs)).To(Equal([]string{"meeting.started", "participant.joined", "participant.joined", "participant.joined",
			"participant.left", "participant.left", "participant.left", "meeting.ended"}))
		checkStory("meeting", 0, run, evs)
	})
})

// checkStory holds what every Daily scenario promises.
func checkStory(name string, seed uint64, run *scenario.Run, evs []arrived) {
	where := func(i int) string { return fmt.Sprintf("%s seed %d event %d %s", name, seed, i, evs[i].Type) }
	str := func(p map[string]any, k string) string { s, _ := p[k].(string); return s }
	var room, meeting string
	joined := map[string]map[string]any{}  // session → participant.joined payload
	knocked := map[string]map[string]any{} // session → waiting-participant.joined payload
	ids := map[string]string{}             // family.instance_id and the like: one per run
	lastLeft, lastLeftTS := -1, 0.0
	var prevMoment int64
	planned := run.Started
	for i, e := range evs {
		p := e.Payload
		// One room: room or room_name, whichever the event has.
		for _, k := range []string{"room", "room_name"} {
			if r := str(p, k); r != "" {
				if room == "" {
					room = r
				}
				Expect(r).To(Equal(room), where(i))
			}
		}
		// One meeting: meeting_id (meeting events) and mtg_session_id
		// (calltransfer, transcript) name the same meeting session.
		for _, k := range []string{"meeting_id", "mtg_session_id"} {
			if m := str(p, k); m != "" {
				if meeting == "" {
					meeting = m
				}
				Expect(m).To(Equal(meeting), where(i))
			}
		}
		fam, _, _ := strings.Cut(e.Type, ".")
		for _, k := range []string{"instance_id", "recording_id", "caller_id"} {
			if v := str(p, k); v != "" {
				key := fam + "." + k
				if ids[key] == "" {
					ids[key] = v
				}
				Expect(v).To(Equal(ids[key]), "%s: %s", where(i), k)
			}
		}
		switch e.Type {
		case "participant.joined":
			joined[str(p, "session_id")] = p
			if w, ok := knocked[str(p, "session_id")]; ok && w["user_id"] != nil && p["user_id"] != nil {
				Expect(p["user_id"]).To(Equal(w["user_id"]), "%s: the admitted knocker", where(i))
			}
		case "waiting-participant.joined":
			knocked[str(p, "session_id")] = p
		case "participant.left":
			j, ok := joined[str(p, "session_id")]
			Expect(ok).To(BeTrue(), "%s: session %s left without joining", where(i), p["session_id"])
			Expect(p["joined_at"]).To(Equal(j["joined_at"]), where(i))
			dur, _ := p["duration"].(float64)
			at, _ := j["joined_at"].(float64)
			Expect(at+dur).To(BeNumerically("~", e.EventTS, 1), "%s: joined_at + duration is the leave", where(i))
			lastLeft, lastLeftTS = i, e.EventTS
		case "waiting-participant.left":
			_, ok := knocked[str(p, "session_id")]
			Expect(ok).To(BeTrue(), "%s: session %s stopped knocking without knocking", where(i), p["session_id"])
		case "meeting.ended":
			Expect(i).To(Equal(len(evs)-1), "%s: meeting.ended is last", where(i))
			if lastLeft >= 0 {
				Expect(e.EventTS-lastLeftTS).To(BeNumerically("<=", 20), "%s: Daily sends meeting.ended within 20 s of the last leave", where(i))
				Expect(p["end_ts"]).To(BeNumerically("~", lastLeftTS, 1), "%s: end_ts is the last leave", where(i))
			}
			start, _ := evs[0].Payload["start_ts"].(float64)
			Expect(p["start_ts"]).To(BeNumerically("==", math.Floor(start)), "%s: the start of meeting.started", where(i))
		case "recording.ready-to-download":
			Expect(str(p, "s3_key")).To(MatchRegexp(`^[a-z0-9-]+/`+room+`/[0-9]{13}$`), where(i))
		case "batch-processor.job-finished", "batch-processor.error":
			in, _ := p["input"].(map[string]any)
			Expect(in["recordingId"]).To(Equal(ids["recording.recording_id"]), "%s: the job's input is the recording", where(i))
		}
		if strings.HasPrefix(e.Type, "dialin.") && e.Type != "dialin.ready" || strings.HasPrefix(e.Type, "dialout.") || strings.HasPrefix(e.Type, "calltransfer.") {
			if ids["session"] == "" {
				ids["session"] = str(p, "session_id")
			}
			Expect(str(p, "session_id")).To(Equal(ids["session"]), "%s: one dial or transfer session", where(i))
		}
		// Moments go forward, strictly, and are the plan's: the virtual
		// clock moves by each planned gap, and an event planned in the
		// same second as the one before it is stamped a second later.
		planned = planned.Add(run.Events[i].After)
		Expect(run.Events[i].At).To(Equal(planned.UTC()), "%s: emitted at the planned moment", where(i))
		want := max(planned.Unix(), prevMoment+1)
		if i == 0 {
			want = planned.Unix()
		}
		Expect(e.moment()).To(Equal(want), "%s: timestamp", where(i))
		Expect(e.EventTS).To(BeNumerically(">=", float64(e.moment())), where(i))
		Expect(e.EventTS).To(BeNumerically("<", float64(e.moment()+1)), where(i))
		signed, err := strconv.ParseInt(e.Header.Get("X-Webhook-Timestamp"), 10, 64)
		Expect(err).NotTo(HaveOccurred())
		Expect(signed).To(BeNumerically(">=", planned.Unix()), "%s: signed when sent", where(i))
		Expect(signed).To(BeNumerically("<=", e.moment()+1), "%s: signed when sent", where(i))
		prevMoment = e.moment()
	}
	if strings.HasPrefix(name, "meeting") {
		Expect(evs[0].Type).To(Equal("meeting.started"))
		Expect(meeting).NotTo(BeEmpty())
	}
}
