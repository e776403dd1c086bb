package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/store"
)

func (p *Provider) routeControl(mux *http.ServeMux) {
	mux.HandleFunc("POST /_mock/events", p.postEvent)
	mux.HandleFunc("GET /_mock/deliveries", p.getDeliveries)
	mux.HandleFunc("DELETE /_mock/deliveries", p.deleteDeliveries)
	mux.HandleFunc("GET /_mock/health", p.health)
	mux.HandleFunc("POST /_mock/clock/advance", p.advanceClock)
	mux.HandleFunc("POST /_mock/clock/drain", p.drainClock)
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
	if err := p.opts.Limits.checkSetRaw("set", req.Set); err != nil {
		writeError(w, err)
		return
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
	// The event comes from the domain its webhooks belong to, as a
	// scenario's events do; an explicit set of the field still wins.
	domain := generator.Override{Key: "payload.domain_id", Pointer: "/payload/domain_id", Value: p.domainID(), IfDeclared: true}
	opts = append(opts, WithOverrides(append([]generator.Override{domain}, set...)...))
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

// getDeliveries pages the log: ?webhook=&type=&status=&event=&since=&until=
// &limit=&cursor=, answered as {deliveries, next}; ?format=ndjson streams
// every match instead, one record a line, a page at a time.
func (p *Provider) getDeliveries(w http.ResponseWriter, r *http.Request) {
	q, ndjson, aerr := deliveryQuery(r.URL.Query())
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	if ndjson {
		p.streamDeliveries(w, r, q)
		return
	}
	page, err := p.QueryDeliveries(r.Context(), q)
	if err != nil {
		writeError(w, queryError(err))
		return
	}
	writeJSON(w, http.StatusOK, DeliveryLog{Deliveries: page.Deliveries, Next: page.Next, Store: p.StoreStats()})
}

func deliveryQuery(v url.Values) (store.Query, bool, *apiError) {
	q := store.Query{Webhook: v.Get("webhook"), Type: v.Get("type"), Event: v.Get("event"), Status: v.Get("status"), Cursor: v.Get("cursor")}
	if st := v.Get("status"); st != "" && !slices.Contains(deliveryStatuses, Status(st)) {
		return q, false, badRequest("status", "%q is not one of %v", st, deliveryStatuses)
	}
	for _, b := range []struct {
		name string
		to   *time.Time
	}{{"since", &q.Since}, {"until", &q.Until}} {
		if s := v.Get(b.name); s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return q, false, badRequest(b.name, "want an RFC 3339 time such as 2026-03-01T12:00:00Z, got %q", s)
			}
			*b.to = t
		}
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > store.MaxLimit {
			return q, false, badRequest("limit", "want a page size from 1 to %d (default %d), got %q", store.MaxLimit, store.DefaultLimit, s)
		}
		q.Limit = n
	}
	switch f := v.Get("format"); f {
	case "", "json":
		return q, false, nil
	case "ndjson":
		if q.Cursor != "" || q.Limit != 0 {
			return q, false, badRequest("format", "ndjson streams the whole filtered log: drop limit and cursor")
		}
		return q, true, nil
	default:
		return q, false, badRequest("format", "want json (pages) or ndjson (a stream), got %q", f)
	}
}

var deliveryStatuses = []Status{StatusPending, StatusRetrying, StatusDelivered, StatusDropped, StatusSkipped, StatusInterrupted}

func queryError(err error) *apiError {
	var ce *store.CursorError
	if errors.As(err, &ce) {
		return badRequest("cursor", "%v", err)
	}
	return &apiError{Status: http.StatusInternalServerError, Kind: errServer, Info: "store: " + err.Error()}
}

// streamDeliveries writes every match as NDJSON. The store is read a page
// at a time and each page is flushed, so a log of any length costs one
// page of memory.
func (p *Provider) streamDeliveries(w http.ResponseWriter, r *http.Request, q store.Query) {
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	fl, _ := w.(http.Flusher)
	enc := json.NewEncoder(w)
	n := 0
	err := p.eachDeliveryJSON(r.Context(), q, func(doc []byte) error {
		if _, err := w.Write(doc); err != nil {
			return err
		}
		if _, err := w.Write([]byte{'\n'}); err != nil {
			return err
		}
		if n++; n%500 == 0 && fl != nil {
			fl.Flush()
		}
		return nil
	})
	if err != nil && r.Context().Err() == nil {
		// The status line is gone: say so in the stream's last line.
		_ = enc.Encode(map[string]any{"error": "store: " + err.Error()})
	}
}

func (p *Provider) deleteDeliveries(w http.ResponseWriter, _ *http.Request) {
	p.ResetDeliveries()
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "store": p.StoreStats()})
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
		"webhooks": len(p.Webhooks()),
		"live":     p.LiveDeliveries(),
		"store":    p.StoreStats(),
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

// advanceClock moves a virtual clock: {"by": "15m"} (or ?by=15m). It
// answers once everything due on the way has fired, each at its own time.
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
	err = vc.AdvanceTo(r.Context(), vc.Now().Add(d))
	p.saveClock()
	if err != nil {
		writeError(w, &apiError{Status: http.StatusServiceUnavailable, Kind: "unavailable", Info: "clock: " + err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"clock": "virtual", "now": vc.Now().UTC(), "advancedBy": fmt.Sprint(d)})
}
