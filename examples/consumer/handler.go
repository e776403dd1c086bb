package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Config configures the webhook handler.
type Config struct {
	// Secret is the webhook's hmac, base64, as given to (or by) Daily.
	Secret string
	// Tolerance is the replay window for X-Webhook-Timestamp (default 10
	// minutes).
	Tolerance time.Duration
	// Now reads the clock (default time.Now); tests pass the provider's.
	Now func() time.Time
	// Logger receives a line per rejected or parked delivery.
	Logger *slog.Logger
}

// maxBody bounds a delivery; Daily's events are a few hundred bytes.
const maxBody = 1 << 20

// probeBody is Daily's verification request, sent unsigned before a
// webhook is created or re-activated.
var probeBody = []byte(`{"test":"test"}`)

// Handler receives Daily's calltransfer webhooks. It answers fast: the
// work it does before answering is a map update (in production, one
// insert), and Daily counts a slow answer as a failure.
type Handler struct {
	key       []byte
	tolerance time.Duration
	now       func() time.Time
	log       *slog.Logger
	Transfers *Transfers
}

// NewHandler checks the configuration and returns a handler.
func NewHandler(cfg Config) (*Handler, error) {
	key, err := decodeSecret(cfg.Secret)
	if err != nil {
		return nil, err
	}
	h := &Handler{key: key, tolerance: cfg.Tolerance, now: cfg.Now, log: cfg.Logger, Transfers: NewTransfers()}
	if h.tolerance <= 0 {
		h.tolerance = 10 * time.Minute
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	return h, nil
}

// ServeHTTP answers one delivery:
//   - the verification probe: 200, before any signature check (Daily
//     sends it before the consumer can know a secret Daily provisions);
//   - a missing, wrong or stale signature: 401, and nothing is done;
//   - an authentic delivery it cannot use (not JSON, missing id or
//     session, an unknown type): 200, parked. Daily counts every non-200
//     as a failure and three in a row disable the webhook, so a bad event
//     must not cost the good ones that follow;
//   - a repeated id: 200, not applied again;
//   - anything else: applied, 200.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if bytes.Equal(bytes.TrimSpace(body), probeBody) {
		w.WriteHeader(http.StatusOK)
		return
	}
	now := h.now()
	if err := verifySignature(h.key, r.Header, body, now, h.tolerance); err != nil {
		h.log.Warn("rejected a delivery", "reason", err, "remote", r.RemoteAddr)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
	}
	if reason := h.handle(body, now); reason != "" {
		h.log.Warn("parked a delivery", "reason", reason)
		h.Transfers.Park(reason, body, now)
	}
	w.WriteHeader(http.StatusOK)
}

// handle applies an authentic delivery, or says why it cannot.
func (h *Handler) handle(body []byte, now time.Time) string {
	var ev Event
	if err := json.Unmarshal(body, &ev); err != nil {
		return "not a JSON event: " + err.Error()
	}
	stage, ok := stageOf[ev.Type]
	if !ok {
		return fmt.Sprintf("event type %q is not a call transfer event", ev.Type)
	}
	var p TransferPayload
	if err := json.Unmarshal(ev.Payload, &p); err != nil {
		return ev.Type + ": bad payload: " + err.Error()
	}
	if missing := missingFields(ev, p); missing != "" {
		return ev.Type + ": missing " + missing
	}
	if !h.Transfers.Apply(ev.ID, stage, p, now) {
		h.log.Debug("duplicate delivery", "id", ev.ID)
	}
	return ""
}

// missingFields lists what the consumer cannot do without.
func missingFields(ev Event, p TransferPayload) string {
	var out []string
	if ev.ID == "" {
		out = append(out, "id")
	}
	if p.SessionID == "" {
		out = append(out, "payload.session_id")
	}
	return strings.Join(out, ", ")
}

// ProcessedHandler answers GET ?id=… with how many times the event was
// applied, for hookmock verify's idempotency probe. Serve it on an
// internal port or in tests only.
func (h *Handler) ProcessedHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		if id == "" {
			http.Error(w, "want ?id=<event id>", http.StatusBadRequest)
			return
		}
		fmt.Fprintln(w, h.Transfers.Processed(id))
	})
}
