package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/clock"
)

func (p *Provider) routeControl(mux *http.ServeMux) {
	mux.HandleFunc("POST /_mock/events", p.postEvent)
	mux.HandleFunc("GET /_mock/deliveries", p.getDeliveries)
	mux.HandleFunc("DELETE /_mock/deliveries", p.deleteDeliveries)
	mux.HandleFunc("GET /_mock/health", p.health)
	mux.HandleFunc("POST /_mock/clock/advance", p.advanceClock)
	mux.HandleFunc("GET /_mock/clock", p.getClock)
}

// eventRequest is the body of POST /_mock/events.
type eventRequest struct {
	Type string  `json:"type"`
	Seed *uint64 `json:"seed"`
	// Set holds overrides: {"payload.room": "sales"} or ["payload.room=sales"].
	Set          json.RawMessage `json:"set"`
	Body         json.RawMessage `json:"body"`
	AllowInvalid bool            `json:"allowInvalid"`
	// Faults to inject: "dup,reorder" or a list of names and objects (see
	// DecodeFaults).
	Faults any `json:"faults"`
}

func (p *Provider) postEvent(w http.ResponseWriter, r *http.Request) {
	var req eventRequest
	if err := readJSONInto(w, r, p.opts.MaxBodyBytes, &req, false, func(err error) *apiError { return badRequest("body", "%v", err) }); err != nil {
		writeError(w, err)
		return
	}
	if req.Type == "" {
		writeError(w, badRequest("type", "required: one of %v", p.eventTypes()))
		return
	}
	var opts []TriggerOption
	if req.Seed != nil {
		opts = append(opts, WithSeed(*req.Seed))
	}
	if req.AllowInvalid {
		opts = append(opts, AllowInvalid())
	}
	if len(req.Body) > 0 && string(req.Body) != "null" {
		opts = append(opts, WithBody(req.Body))
	}
	set, err := parseSet("set", req.Set)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := p.opts.Limits.checkSet("set", len(set)); err != nil {
		writeError(w, err)
		return
	}
	opts = append(opts, WithOverrides(set...))
	faults, err := DecodeFaults(req.Faults)
	if err != nil {
		writeError(w, &apiError{Status: http.StatusBadRequest, Kind: errInvalidRequest, Info: "faults" + err.Error()})
		return
	}
	opts = append(opts, WithFaults(faults...))
	t, err := p.Trigger(r.Context(), req.Type, opts...)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			writeError(w, ae)
			return
		}
		if errors.Is(err, errClosed) {
			writeError(w, &apiError{Status: http.StatusServiceUnavailable, Kind: "unavailable", Info: err.Error()})
			return
		}
		writeError(w, badRequest("event", "%v", err))
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// parseSet reads the overrides of field: an object of key → JSON value
// or a list of "key=value" strings.
func parseSet(field string, raw json.RawMessage) ([]generator.Override, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	shape := badRequest(field, "want an object of overrides or a list of key=value strings")
	var out []generator.Override
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
		var list []string
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, shape
		}
		for _, kv := range list {
			o, err := generator.ParseOverride(kv)
			if err != nil {
				return nil, badRequest(field, "%v", err)
			}
			out = append(out, o)
		}
		return out, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, shape
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		o, err := generator.OverrideJSON(k, obj[k])
		if err != nil {
			return nil, badRequest(field, "%v", err)
		}
		out = append(out, o)
	}
	return out, nil
}

func (p *Provider) getDeliveries(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := Filter{WebhookUUID: q.Get("webhook"), EventType: q.Get("type"), EventID: q.Get("event"), Status: Status(q.Get("status"))}
	writeJSON(w, http.StatusOK, DeliveryLog{Deliveries: p.store.List(f), Store: p.store.Stats()})
}

func (p *Provider) deleteDeliveries(w http.ResponseWriter, _ *http.Request) {
	p.store.Reset()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "store": p.store.Stats()})
}

func (p *Provider) health(w http.ResponseWriter, r *http.Request) {
	if !p.keyValid(r) {
		// Liveness only: the seed, the spec and the counters are for
		// callers with the key.
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "auth": "send the API key for details"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"ok":       true,
		"spec":     map[string]any{"title": p.spec.Title, "version": p.spec.Version, "events": len(p.spec.Events)},
		"seed":     p.seed,
		"clock":    clockKind(p.clock),
		"now":      p.clock.Now().UTC(),
		"webhooks": len(p.hooks.list()),
		"live":     p.engine.live.count(),
		"store":    p.store.Stats(),
	})
}

func clockKind(c clock.Clock) string {
	if _, ok := c.(*clock.Virtual); ok {
		return "virtual"
	}
	return "real"
}

func (p *Provider) getClock(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"clock": clockKind(p.clock), "now": p.clock.Now().UTC()})
}

// advanceClock moves a virtual clock: {"by": "15m"} (or ?by=15m).
func (p *Provider) advanceClock(w http.ResponseWriter, r *http.Request) {
	vc, ok := p.clock.(*clock.Virtual)
	if !ok {
		writeError(w, &apiError{Status: http.StatusConflict, Kind: errInvalidRequest, Info: "clock: the server runs on the real clock; start it with --clock virtual"})
		return
	}
	by := r.URL.Query().Get("by")
	if by == "" && r.ContentLength != 0 {
		var body struct {
			By string `json:"by"`
		}
		if err := readJSONInto(w, r, p.opts.MaxBodyBytes, &body, false, func(err error) *apiError {
			return badRequest("by", "want {\"by\": \"<duration>\"}: %v", err)
		}); err != nil {
			writeError(w, err)
			return
		}
		by = body.By
	}
	d, err := time.ParseDuration(by)
	if err != nil || d < 0 {
		writeError(w, badRequest("by", "want a non-negative duration such as 90s or 15m, got %q", by))
		return
	}
	vc.Advance(d)
	writeJSON(w, http.StatusOK, map[string]any{"clock": "virtual", "now": vc.Now().UTC(), "advancedBy": fmt.Sprint(d)})
}
