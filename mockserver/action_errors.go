package mockserver

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ActionError makes sipCallTransfer and sipRefer fail for a room or a
// session, the way Daily documents (ErrInvalidSessionID and its siblings),
// or with any other status and message.
type ActionError struct {
	// Room and SessionID select the requests; with both set, both must
	// match. At least one is required.
	Room      string `yaml:"room,omitempty" json:"room,omitempty"`
	SessionID string `yaml:"sessionId,omitempty" json:"sessionId,omitempty"`
	// Action limits the error to sipCallTransfer or sipRefer; empty
	// means both.
	Action  string `yaml:"action,omitempty" json:"action,omitempty"`
	Status  int    `yaml:"status" json:"status"`
	Message string `yaml:"message" json:"message"`
}

// Validate reports a rule that cannot apply, naming the field.
func (e ActionError) Validate() error {
	switch {
	case e.Room == "" && e.SessionID == "":
		return fieldErr("room", "required when sessionId is not given")
	case e.Action != "" && e.Action != ActionSIPCallTransfer && e.Action != ActionSIPRefer:
		return fieldErr("action", "%q is not %s or %s", e.Action, ActionSIPCallTransfer, ActionSIPRefer)
	case e.Status < 400 || e.Status > 599:
		return fieldErr("status", "%d is not an error status (400..599)", e.Status)
	case strings.TrimSpace(e.Message) == "":
		return fieldErr("message", "is required, e.g. %q", ErrRoomNotHostingCall.Message)
	}
	return nil
}

var actionErrorFields = []string{"room", "sessionId", "action", "status", "message"}

// UnmarshalYAML reads one rule of hookmock.yaml's actions.errors, with
// line and column in errors.
func (e *ActionError) UnmarshalYAML(n *yaml.Node) error {
	at := func(n *yaml.Node, format string, a ...any) error {
		return fmt.Errorf("line %d, column %d: actions.errors: %s", n.Line, n.Column, fmt.Sprintf(format, a...))
	}
	if n.Kind != yaml.MappingNode {
		return at(n, "want a mapping with room or sessionId, status and message")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var err error
		switch k.Value {
		case "room":
			err = v.Decode(&e.Room)
		case "sessionId":
			err = v.Decode(&e.SessionID)
		case "action":
			err = v.Decode(&e.Action)
		case "status":
			err = v.Decode(&e.Status)
		case "message":
			err = v.Decode(&e.Message)
		default:
			return at(k, "unknown field %q (want room, sessionId, action, status, message)%s", k.Value, didYouMean(k.Value, actionErrorFields))
		}
		if err != nil {
			return at(v, "%s: %v", k.Value, err)
		}
	}
	if err := e.Validate(); err != nil {
		return at(n, "%v", err)
	}
	return nil
}

func (e ActionError) matches(action, room, session string) bool {
	return (e.Action == "" || e.Action == action) &&
		(e.Room == "" || e.Room == room) &&
		(e.SessionID == "" || e.SessionID == session)
}

// apiError is the error in Daily's {"error", "info"} shape.
func (e ActionError) apiError() *apiError {
	kind := errInvalidRequest
	if e.Status == http.StatusNotFound {
		kind = errNotFound
	}
	return &apiError{Status: e.Status, Kind: kind, Info: e.Message}
}

// SetActionError adds a rule; a later rule wins over an earlier one, and
// a session rule over a room rule.
func (p *Provider) SetActionError(e ActionError) error {
	if err := e.Validate(); err != nil {
		return err
	}
	p.scen.mu.Lock()
	defer p.scen.mu.Unlock()
	if err := p.opts.Limits.checkItems("action-error rules", len(p.scen.actionErrs)); err != nil {
		return err
	}
	p.scen.actionErrs = append(p.scen.actionErrs, e)
	p.saveActionErrorsLocked()
	return nil
}

// SetRoomError makes both actions on room fail, e.g.
// p.SetRoomError("sales", 404, "Room is not hosting a call").
func (p *Provider) SetRoomError(room string, status int, message string) error {
	return p.SetActionError(ActionError{Room: room, Status: status, Message: message})
}

// SetSessionError makes both actions on a session fail, e.g. with
// 404 "invalid sessionId".
func (p *Provider) SetSessionError(sessionID string, status int, message string) error {
	return p.SetActionError(ActionError{SessionID: sessionID, Status: status, Message: message})
}

// ActionErrors lists the rules, oldest first.
func (p *Provider) ActionErrors() []ActionError {
	p.scen.mu.Lock()
	defer p.scen.mu.Unlock()
	return append([]ActionError{}, p.scen.actionErrs...)
}

// ClearActionErrors removes every rule.
func (p *Provider) ClearActionErrors() {
	p.scen.mu.Lock()
	defer p.scen.mu.Unlock()
	p.scen.actionErrs = nil
	p.saveActionErrorsLocked()
}

func (s *scenarioState) actionError(action, room, session string) (ActionError, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, bySession := range []bool{true, false} {
		for i := len(s.actionErrs) - 1; i >= 0; i-- {
			e := s.actionErrs[i]
			if (e.SessionID != "") == bySession && e.matches(action, room, session) {
				return e, true
			}
		}
	}
	return ActionError{}, false
}

// The control API's view of the rules, for a running `hookmock serve`:
// POST adds one, GET lists them, DELETE clears them.
func (p *Provider) actionErrorRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_mock/action-errors", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"errors": p.ActionErrors()})
	})
	mux.HandleFunc("POST /_mock/action-errors", p.postActionError)
	mux.HandleFunc("DELETE /_mock/action-errors", func(w http.ResponseWriter, _ *http.Request) {
		p.ClearActionErrors()
		w.WriteHeader(http.StatusNoContent)
	})
}

func (p *Provider) postActionError(w http.ResponseWriter, r *http.Request) {
	m, err := readJSONObject(w, r, p.opts.MaxBodyBytes, "room or sessionId, status and message")
	if err != nil {
		writeError(w, err)
		return
	}
	e, aerr := decodeActionError(m)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	if err := p.SetActionError(e); err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			writeError(w, ae)
			return
		}
		var fe *fieldError
		if errors.As(err, &fe) {
			writeError(w, badRequest(fe.Field, "%s", fe.Msg))
			return
		}
		writeError(w, badRequest("body", "%v", err))
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

// decodeActionError reads a rule from a JSON object, naming the field that
// is unknown or of the wrong type.
func decodeActionError(m map[string]any) (ActionError, *apiError) {
	var e ActionError
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k == "status" {
			n, ok := wholeNumber(m[k])
			if !ok {
				return e, badRequest(k, "want a whole number, got %s", jsonKind(m[k]))
			}
			e.Status = int(n)
			continue
		}
		dst := map[string]*string{"room": &e.Room, "sessionId": &e.SessionID, "action": &e.Action, "message": &e.Message}[k]
		if dst == nil {
			return e, badRequest(k, "unknown field (want room, sessionId, action, status, message)%s", didYouMean(k, actionErrorFields))
		}
		str, ok := m[k].(string)
		if !ok {
			return e, badRequest(k, "want a string, got %s", jsonKind(m[k]))
		}
		*dst = str
	}
	return e, nil
}
