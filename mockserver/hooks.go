package mockserver

import eng "github.com/hookmock/hookmock/mockserver/engine"

// Webhooks are the engine's (it sends to them and counts their failures);
// they are named here too, so that a library user needs one import.
type Webhook = eng.Webhook

// Webhook states, as Daily names them.
const (
	StateActive = eng.StateActive
	StateFailed = eng.StateFailed
)

// Retry types, as Daily names them.
const (
	RetryCircuitBreaker = eng.RetryCircuitBreaker
	RetryExponential    = eng.RetryExponential
)
