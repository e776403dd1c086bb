package mockserver

import (
	"errors"
	"net/http"

	"github.com/hookmock/hookmock/mockserver/engine"
)

// Webhook is the engine's (it sends to webhooks and counts their
// failures); the engine's public types are named here too, so that a
// library user needs one import.
type Webhook = engine.Webhook

// Webhook states, as Daily names them.
const (
	StateActive = engine.StateActive
	StateFailed = engine.StateFailed
)

// Retry types, as Daily names them.
const (
	RetryCircuitBreaker = engine.RetryCircuitBreaker
	RetryExponential    = engine.RetryExponential
)

// Backoff is the engine's: it waits for it.
type Backoff = engine.Backoff

// Filter selects deliveries of the log; empty fields match everything.
type Filter = engine.Filter

// errClosed is the engine's: what refuses work at shutdown refuses it as
// the engine does, so that callers test for one error.
var errClosed = engine.ErrClosed

// engineError is err as the API answers it: the engine's typed errors
// become the API's, naming the setting at fault.
func engineError(err error) error {
	var le *engine.LiveLimitError
	if errors.As(err, &le) {
		return limitError(http.StatusTooManyRequests, "event", "limits.maxLiveDeliveries",
			"%d deliveries are live and this event needs %d more; at most %d may be live, so wait for them to settle", le.Live, le.Need, le.Max)
	}
	return err
}
