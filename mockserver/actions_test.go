package mockserver_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
)

const sessionID = "07efe77a-74e8-4e69-81b0-41ca454c06e0"

var _ = Describe("Daily's room actions", func() {
	var (
		srv  *mockserver.Server
		c    *consumer
		hook map[string]any
	)
	start := func(opts mockserver.Options) {
		var err error
		opts.Clock = clock.NewVirtual(time.Now().Truncate(time.Second))
		opts.APIKey = token
		srv, err = mockserver.New(opts)
		Expect(err).NotTo(HaveOccurred())
		c = newConsumer(nil)
		hook = register(srv, map[string]any{"url": c.URL})
	}
	BeforeEach(func() { start(mockserver.Options{Seed: 21}) })
	AfterEach(func() {
		srv.Close()
		c.Close()
	})
	// played runs what the actions started to its end on the virtual
	// clock: the runs' steps, then every delivery.
	played := func() []arrived {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := srv.Drain(ctx)
		Expect(err).NotTo(HaveOccurred())
		return eventsAt(c, hook["hmac"].(string))
	}
	call := func(room, action string, body any) (int, map[string]any) {
		status, m, raw := api("POST", srv.URL+"/v1/rooms/"+room+"/"+action, token, body)
		GinkgoWriter.Println(string(raw))
		return status, m
	}

	It("answers sipCallTransfer with {ok: true} and sends the transfer's webhooks with the request's values", func() {
		status, body := call("sales-escalation", "sipCallTransfer", map[string]any{"sessionId": sessionID, "toEndPoint": "sip:agent@pbx.example.net"})
		Expect(status).To(Equal(http.StatusOK))
		Expect(body).To(Equal(map[string]any{"ok": true}), "the boolean, as Daily's server sends it")
		evs := played()
		Expect(typesOf(evs)).To(Equal([]string{"calltransfer.triggered", "calltransfer.initiated", "participant.left",
			"dialin.stopped", "calltransfer.answered", "calltransfer.completed"}))
		expectOneTransfer(evs, hook["domainId"].(string))
		for _, e := range evs {
			Expect(e.Payload["room"]).To(Equal("sales-escalation"))
			Expect(e.Payload["session_id"]).To(Equal(sessionID))
			if to, ok := e.Payload["to_endpoint"]; ok {
				Expect(to).To(Equal("sip:agent@pbx.example.net"))
			}
		}
		Expect(evs[0].Payload["is_sip_refer"]).To(BeFalse())
		runs := srv.ScenarioRuns()
		Expect(runs).To(HaveLen(1))
		Expect(runs[0].Info().Origin).To(Equal("sipCallTransfer sales-escalation"))
	})

	It("plays the PSTN transfer when toEndPoint is a phone number", func() {
		status, _ := call("support", "sipCallTransfer", map[string]any{"sessionId": sessionID, "toEndPoint": "+12125550123",
			"callerId": "34b0eb2b-4f6d-41e2-8189-c836e830ffbb", "extension": "1234", "waitBeforeExtensionDialSec": 5})
		Expect(status).To(Equal(http.StatusOK))
		evs := played()
		Expect(typesOf(evs)).To(Equal([]string{"calltransfer.triggered", "calltransfer.initiated", "participant.left",
			"dialout.stopped", "calltransfer.answered", "calltransfer.completed"}))
		Expect(evs[0].Payload["to_endpoint"]).To(Equal("+12125550123"))
		Expect(evs[3].Payload["destination"]).To(Equal(evs[0].Payload["from_endpoint"]), "the stopped dial-out is the transferred caller's")
	})

	It("answers sipRefer and sends the sip-refer webhooks", func() {
		status, body := call("sip-test", "sipRefer", map[string]any{"sessionId": sessionID, "toEndPoint": "sip:user-b@user-a.my-domain.com"})
		Expect(status).To(Equal(http.StatusOK))
		Expect(body["ok"]).To(BeTrue())
		evs := played()
		Expect(typesOf(evs)).To(Equal([]string{"calltransfer.triggered", "calltransfer.initiated", "participant.left", "dialin.stopped"}))
		for _, e := range evs[:2] {
			Expect(e.Payload["is_sip_refer"]).To(BeTrue())
			Expect(e.Payload["to_endpoint"]).To(Equal("sip:user-b@user-a.my-domain.com"))
		}
		Expect(evs[3].Payload["session_id"]).To(Equal(sessionID))
	})

	Describe("configured errors", func() {
		It("returns a room's documented error in Daily's shape, and plays nothing", func() {
			Expect(srv.SetRoomError("closed-room", mockserver.ErrRoomNotHostingCall.Status, mockserver.ErrRoomNotHostingCall.Message)).To(Succeed())
			for _, action := range []string{"sipCallTransfer", "sipRefer"} {
				status, body := call("closed-room", action, map[string]any{"sessionId": sessionID, "toEndPoint": "sip:a@b.example.com"})
				Expect(status).To(Equal(http.StatusNotFound))
				Expect(body).To(Equal(map[string]any{"error": "not-found", "info": "Room is not hosting a call"}))
			}
			status, _ := call("open-room", "sipRefer", map[string]any{"sessionId": sessionID, "toEndPoint": "sip:a@b.example.com"})
			Expect(status).To(Equal(http.StatusOK), "other rooms are not affected")
			Expect(srv.ScenarioRuns()).To(HaveLen(1))
		})

		It("prefers a session's rule over a room's, and honours a rule for one action", func() {
			other := "34888835-dadc-4874-a2a8-be38da1f8296"
			Expect(srv.SetRoomError("r", 400, mockserver.ErrRoomNotSFU.Message)).To(Succeed())
			Expect(srv.SetSessionError(sessionID, 404, mockserver.ErrInvalidSessionID.Message)).To(Succeed())
			Expect(srv.SetActionError(mockserver.ActionError{Room: "q", Action: "sipRefer", Status: 400, Message: mockserver.ErrCallClosedBeforeSent.Message})).To(Succeed())
			body := func(s string) map[string]any {
				return map[string]any{"sessionId": s, "toEndPoint": "sip:a@b.example.com"}
			}
			status, m := call("r", "sipCallTransfer", body(sessionID))
			Expect(status).To(Equal(http.StatusNotFound))
			Expect(m["info"]).To(Equal("invalid sessionId"))
			status, m = call("r", "sipCallTransfer", body(other))
			Expect(status).To(Equal(http.StatusBadRequest))
			Expect(m).To(Equal(map[string]any{"error": "invalid-request-error", "info": "Room not in SFU mode"}))
			status, m = call("q", "sipRefer", body(other))
			Expect(status).To(Equal(http.StatusBadRequest))
			Expect(m["info"]).To(Equal("Call closed before command could be delivered"))
			status, _ = call("q", "sipCallTransfer", body(other))
			Expect(status).To(Equal(http.StatusOK))
			srv.ClearActionErrors()
			status, _ = call("r", "sipCallTransfer", body(sessionID))
			Expect(status).To(Equal(http.StatusOK))
			Expect(srv.SetRoomError("", 404, "x")).To(MatchError(ContainSubstring("room: required when sessionId is not given")))
			Expect(srv.SetRoomError("r", 200, "x")).To(MatchError(ContainSubstring("not an error status")))
		})

		It("takes, lists and clears rules through the control API", func() {
			rules := srv.URL + "/_mock/action-errors"
			status, m, _ := api("POST", rules, token, map[string]any{"sessionId": sessionID, "action": "sipRefer", "status": 404, "message": "invalid sessionId"})
			Expect(status).To(Equal(http.StatusCreated))
			Expect(m).To(Equal(map[string]any{"sessionId": sessionID, "action": "sipRefer", "status": 404.0, "message": "invalid sessionId"}))
			status, m, _ = api("GET", rules, token, nil)
			Expect(status).To(Equal(http.StatusOK))
			Expect(m["errors"]).To(HaveLen(1))
			body := map[string]any{"sessionId": sessionID, "toEndPoint": "sip:a@b.example.com"}
			status, m = call("any-room", "sipRefer", body)
			Expect(status).To(Equal(http.StatusNotFound))
			Expect(m).To(Equal(map[string]any{"error": "not-found", "info": "invalid sessionId"}))
			status, _ = call("any-room", "sipCallTransfer", body)
			Expect(status).To(Equal(http.StatusOK), "the rule is for sipRefer only")

			for _, bad := range []struct {
				body any
				info string
			}{
				{map[string]any{"room": "r", "status": 200, "message": "m"}, "status: 200 is not an error status"},
				{map[string]any{"room": "r", "status": "404", "message": "m"}, "status: want a whole number, got a string"},
				{map[string]any{"room": "r", "status": 404, "message": "m", "sesionId": "x"}, "sesionId: unknown field"},
				{map[string]any{"status": 404, "message": "m"}, "room: required when sessionId is not given"},
				{map[string]any{"room": "r", "action": "dialOut", "status": 404, "message": "m"}, `action: "dialOut" is not sipCallTransfer or sipRefer`},
				{map[string]any{"room": 7, "status": 404, "message": "m"}, "room: want a string, got a number"},
				{"[]", "body: want a JSON object with room or sessionId"},
				{"{", "body: "},
			} {
				status, m, _ := api("POST", rules, token, bad.body)
				Expect(status).To(Equal(http.StatusBadRequest), "%v", bad.body)
				Expect(m["info"]).To(ContainSubstring(bad.info))
			}
			Expect(srv.ActionErrors()).To(HaveLen(1), "a rejected rule is not kept")

			status, _, _ = api("DELETE", rules, token, nil)
			Expect(status).To(Equal(http.StatusNoContent))
			Expect(srv.ActionErrors()).To(BeEmpty())
			status, _ = call("any-room", "sipRefer", body)
			Expect(status).To(Equal(http.StatusOK))
		})

		It("reads errors from hookmock.yaml, with line and column for bad entries", func() {
			dir := GinkgoT().TempDir()
			good := filepath.Join(dir, "hookmock.yaml")
			Expect(os.WriteFile(good, []byte("actions:\n  errors:\n    - room: legacy\n      status: 400\n      message: Room not in SFU mode\n"), 0o644)).To(Succeed())
			cfg, err := mockserver.LoadConfig(good)
			Expect(err).NotTo(HaveOccurred())
			var opts mockserver.Options
			cfg.Apply(&opts)
			srv.Close()
			c.Close()
			start(opts)
			status, m := call("legacy", "sipCallTransfer", map[string]any{"sessionId": sessionID, "toEndPoint": "sip:a@b.example.com"})
			Expect(status).To(Equal(http.StatusBadRequest))
			Expect(m["info"]).To(Equal("Room not in SFU mode"))

			for doc, want := range map[string]string{
				"actions:\n  errors:\n    - room: x\n      status: 200\n      message: m\n": ":3:7: actions.errors: status: 200 is not an error status",
				"actions:\n  errors:\n    - room: x\n      stauts: 404\n":                   `:4:7: actions.errors: unknown field "stauts" (want room, sessionId, action, status, message); did you mean "status"?`,
				"actions:\n  errors:\n    - status: 404\n      message: m\n":                ":3:7: actions.errors: room: required when sessionId is not given",
			} {
				bad := filepath.Join(dir, "bad.yaml")
				Expect(os.WriteFile(bad, []byte(doc), 0o644)).To(Succeed())
				_, err := mockserver.LoadConfig(bad)
				Expect(err).To(MatchError(ContainSubstring(want)))
				Expect(err.Error()).To(HavePrefix(bad))
			}
		})
	})

	DescribeTable("rejects bad bodies with a Daily-shaped 400 naming the field",
		func(action string, body any, info string) {
			status, m := call("room-a", action, body)
			Expect(status).To(Equal(http.StatusBadRequest))
			Expect(m["error"]).To(Equal("invalid-request-error"))
			Expect(m["info"]).To(ContainSubstring(info))
			Expect(srv.ScenarioRuns()).To(BeEmpty())
		},
		Entry("not JSON", "sipCallTransfer", "{", "body: "),
		Entry("not an object", "sipCallTransfer", "[]", "body: want a JSON object"),
		Entry("no sessionId", "sipCallTransfer", map[string]any{"toEndPoint": "sip:a@b.example.com"}, "sessionId: required"),
		Entry("sessionId not a uuid", "sipCallTransfer", map[string]any{"sessionId": "alice", "toEndPoint": "sip:a@b.example.com"}, `sessionId: "alice" is not a participant session id`),
		Entry("sessionId not a string", "sipRefer", map[string]any{"sessionId": 7, "toEndPoint": "sip:a@b.example.com"}, "sessionId: want a string, got a number"),
		Entry("no toEndPoint", "sipCallTransfer", map[string]any{"sessionId": sessionID}, "toEndPoint: required"),
		Entry("toEndpoint misspelt", "sipCallTransfer", map[string]any{"sessionId": sessionID, "toEndpoint": "sip:a@b.example.com"}, `toEndpoint: unknown field; did you mean "toEndPoint"?`),
		Entry("toEndPoint neither SIP nor E.164", "sipCallTransfer", map[string]any{"sessionId": sessionID, "toEndPoint": "agent-7"}, `toEndPoint: "agent-7" is neither a SIP URI`),
		Entry("sipRefer to a phone", "sipRefer", map[string]any{"sessionId": sessionID, "toEndPoint": "+12125550123"}, "toEndPoint: \"+12125550123\": sipRefer moves a SIP call"),
		Entry("sipRefer with extension", "sipRefer", map[string]any{"sessionId": sessionID, "toEndPoint": "sip:a@b.example.com", "extension": "1"}, "extension: unknown field; sipRefer takes sessionId, toEndPoint"),
		Entry("extension too long", "sipCallTransfer", map[string]any{"sessionId": sessionID, "toEndPoint": "+12125550123", "extension": "123456789012345678901"}, "extension: length 21 is outside 1..20"),
		Entry("extension empty", "sipCallTransfer", map[string]any{"sessionId": sessionID, "toEndPoint": "+12125550123", "extension": ""}, "extension: length 0 is outside 1..20"),
		Entry("extension for a SIP endpoint", "sipCallTransfer", map[string]any{"sessionId": sessionID, "toEndPoint": "sip:a@b.example.com", "extension": "12"}, "extension: only valid when toEndPoint is a phone number"),
		Entry("callerId for a SIP endpoint", "sipCallTransfer", map[string]any{"sessionId": sessionID, "toEndPoint": "sip:a@b.example.com", "callerId": "x"}, "callerId: only valid when toEndPoint is a phone number"),
		Entry("wait above 60", "sipCallTransfer", map[string]any{"sessionId": sessionID, "toEndPoint": "+12125550123", "waitBeforeExtensionDialSec": 61}, "waitBeforeExtensionDialSec: 61 is outside 0..60"),
		Entry("wait negative", "sipCallTransfer", map[string]any{"sessionId": sessionID, "toEndPoint": "+12125550123", "waitBeforeExtensionDialSec": -1}, "waitBeforeExtensionDialSec: -1 is outside 0..60"),
		Entry("wait fractional", "sipCallTransfer", map[string]any{"sessionId": sessionID, "toEndPoint": "+12125550123", "waitBeforeExtensionDialSec": 1.5}, "waitBeforeExtensionDialSec: want a whole number"),
	)

	It("requires the bearer token like the rest of /v1", func() {
		status, m, _ := api("POST", srv.URL+"/v1/rooms/a/sipCallTransfer", "", map[string]any{"sessionId": sessionID, "toEndPoint": "sip:a@b.example.com"})
		Expect(status).To(Equal(http.StatusUnauthorized))
		Expect(m["error"]).To(Equal("authentication-error"))
		status, _, _ = api("POST", srv.URL+"/v1/rooms/a/sipRefer", "wrong", map[string]any{"sessionId": sessionID, "toEndPoint": "sip:a@b.example.com"})
		Expect(status).To(Equal(http.StatusUnauthorized))
		Expect(srv.ScenarioRuns()).To(BeEmpty())
	})
})
