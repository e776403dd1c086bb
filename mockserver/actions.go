package mockserver

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hookmock/hookmock/mockserver/scenario"
)

// Daily's room actions that cause call-transfer webhooks:
// POST /v1/rooms/{name}/sipCallTransfer and /sipRefer (domain doc §7.1).
// The mock answers {"ok": true} and plays the matching built-in scenario
// with the request's room, session and endpoints, so that an app calling
// Daily's transfer API receives the webhooks that call causes.

// Action names, as in Daily's paths.
const (
	ActionSIPCallTransfer = "sipCallTransfer"
	ActionSIPRefer        = "sipRefer"
)

// The errors Daily documents for both actions (titles of its error
// examples; the bodies were not published, so hookmock sends them in
// Daily's usual {"error", "info"} shape).
var (
	ErrInvalidSessionID     = ActionError{Status: http.StatusNotFound, Message: "invalid sessionId"}
	ErrRoomNotHostingCall   = ActionError{Status: http.StatusNotFound, Message: "Room is not hosting a call"}
	ErrRoomNotSFU           = ActionError{Status: http.StatusBadRequest, Message: "Room not in SFU mode"}
	ErrCallClosedBeforeSent = ActionError{Status: http.StatusBadRequest, Message: "Call closed before command could be delivered"}
)

func (p *Provider) routeActions(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/rooms/{name}/sipCallTransfer", p.auth(p.actionHandler(ActionSIPCallTransfer)))
	mux.HandleFunc("POST /v1/rooms/{name}/sipRefer", p.auth(p.actionHandler(ActionSIPRefer)))
	p.actionErrorRoutes(mux)
}

// transferRequest is a validated action body.
type transferRequest struct {
	Room, SessionID, ToEndPoint, CallerID, Extension string
	WaitBeforeExtensionDialSec                       int
}

// actionFields are the body fields each action accepts (domain doc §7.1;
// sipRefer's per Daily's SDK: sessionId and toEndPoint).
var actionFields = map[string][]string{
	ActionSIPCallTransfer: {"sessionId", "toEndPoint", "callerId", "extension", "waitBeforeExtensionDialSec"},
	ActionSIPRefer:        {"sessionId", "toEndPoint"},
}

func (p *Provider) actionHandler(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req, err := p.parseAction(w, r, action)
		if err != nil {
			writeError(w, err)
			return
		}
		if ae, ok := p.scen.actionError(action, req.Room, req.SessionID); ok {
			writeError(w, ae.apiError())
			return
		}
		if _, err := p.startAction(action, req); err != nil {
			writeError(w, err)
			return
		}
		// Daily's docs show {"ok": "true"}; its SDK changelog says the
		// server sends the boolean.
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	}
}

func (p *Provider) parseAction(w http.ResponseWriter, r *http.Request, action string) (*transferRequest, error) {
	room := r.PathValue("name")
	if strings.TrimSpace(room) == "" {
		return nil, badRequest("name", "the room name in the path is empty")
	}
	body, err := readJSONObject(w, r, p.opts.MaxBodyBytes, strings.Join(actionFields[action], ", "))
	if err != nil {
		return nil, err
	}
	if err := unknownFields(body, actionFields[action], action); err != nil {
		return nil, err
	}
	req := &transferRequest{Room: room}
	str := func(k string, required bool) (string, error) {
		x, present := body[k]
		if !present || x == nil {
			if required {
				return "", badRequest(k, "required")
			}
			return "", nil
		}
		s, ok := x.(string)
		if !ok {
			return "", badRequest(k, "want a string, got %s", jsonKind(x))
		}
		return s, nil
	}
	if req.SessionID, err = str("sessionId", true); err != nil {
		return nil, err
	}
	if !scenario.IsUUID(req.SessionID) {
		return nil, badRequest("sessionId", "%q is not a participant session id (a uuid)", req.SessionID)
	}
	if req.ToEndPoint, err = str("toEndPoint", true); err != nil {
		return nil, err
	}
	phone := scenario.IsE164(req.ToEndPoint)
	switch {
	case action == ActionSIPRefer && !scenario.IsSIPURI(req.ToEndPoint):
		return nil, badRequest("toEndPoint", "%q: sipRefer moves a SIP call to another SIP endpoint; want a sip: URI", req.ToEndPoint)
	case !phone && !scenario.IsSIPURI(req.ToEndPoint):
		return nil, badRequest("toEndPoint", "%q is neither a SIP URI (sip:user@host) nor an E.164 phone number (+12125550100)", req.ToEndPoint)
	}
	if action == ActionSIPRefer {
		return req, nil
	}
	if req.CallerID, err = str("callerId", false); err != nil {
		return nil, err
	}
	if req.Extension, err = str("extension", false); err != nil {
		return nil, err
	}
	// daily-js: callerId and extension only apply to PSTN destinations.
	if req.CallerID != "" && !phone {
		return nil, badRequest("callerId", "only valid when toEndPoint is a phone number")
	}
	if _, present := body["extension"]; present {
		if n := utf8.RuneCountInString(req.Extension); n < 1 || n > 20 {
			return nil, badRequest("extension", "length %d is outside 1..20", n)
		}
		if !phone {
			return nil, badRequest("extension", "only valid when toEndPoint is a phone number")
		}
	}
	if x, present := body["waitBeforeExtensionDialSec"]; present && x != nil {
		n, ok := wholeNumber(x)
		switch {
		case !ok:
			return nil, badRequest("waitBeforeExtensionDialSec", "want a whole number of seconds, got %v", x)
		case n < 0 || n > 60:
			return nil, badRequest("waitBeforeExtensionDialSec", "%d is outside 0..60", n)
		}
		req.WaitBeforeExtensionDialSec = int(n)
	}
	return req, nil
}

// unknownFields rejects fields the action does not take, with the right
// spelling when only the case is off (toEndpoint for toEndPoint is an
// easy slip against Daily's API).
func unknownFields(body map[string]any, known []string, action string) error {
	var names []string
	for k := range body {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		found := false
		for _, f := range known {
			if f == k {
				found = true
				break
			}
			if strings.EqualFold(f, k) {
				return badRequest(k, "unknown field; did you mean %q?", f)
			}
		}
		if !found {
			return badRequest(k, "unknown field; %s takes %s", action, strings.Join(known, ", "))
		}
	}
	return nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	case string:
		return "a string"
	}
	return "a number"
}

func wholeNumber(v any) (int64, bool) {
	n, ok := v.(interface{ Int64() (int64, error) })
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

// startAction plays the scenario that Daily's action causes: sipRefer →
// sip-refer; sipCallTransfer → pstn-transfer for a phone number, else
// sip-call-transfer.
func (p *Provider) startAction(action string, req *transferRequest) (*ScenarioRun, error) {
	name := scenario.SIPCallTransfer
	switch {
	case action == ActionSIPRefer:
		name = scenario.SIPRefer
	case scenario.IsE164(req.ToEndPoint):
		name = scenario.PSTNTransfer
	}
	sc, err := p.scenarioByName(name)
	if err != nil {
		return nil, err
	}
	// The transferred participant joined before the request: the run
	// starts at the transfer, without the scenario's participant.joined.
	vars := map[string]any{scenario.VarRoom: req.Room, scenario.VarSessionID: req.SessionID, scenario.VarToEndpoint: req.ToEndPoint,
		scenario.VarWithJoin: false}
	run, err := p.StartScenario(sc, RunOptions{Vars: vars, origin: fmt.Sprintf("%s %s", action, req.Room)})
	if err != nil {
		return nil, err
	}
	return run, nil
}
