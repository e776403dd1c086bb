package engine

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
)

// Config is everything the engine takes from the provider that makes it.
// The provider's defaults are applied before: the engine takes the values
// as they come.
type Config struct {
	// Store keeps the delivery log and the pending work; Owner names this
	// process in its leases, which last Lease between renewals.
	Store store.Store
	Owner string
	Lease time.Duration
	// Hooks are the webhooks deliveries go to.
	Hooks  *Registry
	Clock  clock.Clock
	Log    *slog.Logger
	Client *http.Client

	Workers, QueueSize int
	// MaxLive bounds the deliveries not yet terminal; past it an event is
	// refused whole with a *LiveLimitError.
	MaxLive          int
	FailureThreshold int
	Exponential      Backoff
	// Accept2xx counts any 2xx answer as success, not only 200.
	Accept2xx bool

	SigningParams       *signing.Params
	DeliveryTimeout     time.Duration
	ResponseBodyLimit   int
	ResponseHeaderLimit int

	// The funcs below may be nil: no headers, no one to tell, no clock
	// to follow.

	// Headers are the headers, besides the signature, that the contract
	// declares for one delivery of an event type to a webhook signed with
	// scheme; nil for none.
	Headers func(eventType, deliveryID string, scheme signing.Scheme) http.Header
	// Observe sees every change of the log as it is made, in order: d had
	// n attempts before it (-1: d is new). It runs under the log's lock
	// and must return quickly.
	Observe func(d *wire.Delivery, n int)
	// WebhookFailed is told when a webhook's circuit breaker flips.
	WebhookFailed func(Webhook)
	// FollowClock moves a virtual clock up to the position another
	// process sharing the store advanced it to.
	FollowClock func() error
}

func (c *Config) success(status int) bool {
	if c.Accept2xx {
		return status >= 200 && status < 300
	}
	return status == http.StatusOK
}

// Backoff is Daily's exponential retry: "each message will be retried at
// most 5 times, with an exponential backoff up to 15 minutes". The base
// and factor are not documented; hookmock waits Base·2^(n-1), capped.
type Backoff struct {
	// Retries after the first attempt (default 5). Daily's sentence "if a
	// message fails being sent 5 times, it will be deleted" can also be read
	// as 5 attempts in all: set Retries to 4 for that reading.
	Retries int
	// Base is the first wait (default 1 minute, so 1, 2, 4, 8, 15 minutes).
	Base time.Duration
	// Cap is the longest wait (default 15 minutes).
	Cap time.Duration
}

// Delay is the wait before retry n (1-based).
func (b Backoff) Delay(n int) time.Duration {
	d := b.Base
	for i := 1; i < n && d < b.Cap; i++ {
		d *= 2
	}
	return min(d, b.Cap)
}

// ErrClosed refuses work once shutdown has begun.
var ErrClosed = errors.New("the mock server is shutting down")

// LiveLimitError refuses an event whose deliveries would take the live
// ones past Config.MaxLive.
type LiveLimitError struct {
	Live, Need, Max int
}

func (e *LiveLimitError) Error() string {
	return fmt.Sprintf("%d deliveries are live and this event needs %d more; at most %d may be live, so wait for them to settle", e.Live, e.Need, e.Max)
}
