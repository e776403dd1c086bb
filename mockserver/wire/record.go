package wire

import (
	"maps"
	"net/http"
	"slices"
	"time"
)

// An attempt's outcome as the retry policy judged it.
const (
	OutcomeSuccess = "success"
	OutcomeFailure = "failure"
	// OutcomeInterrupted is an attempt whose sender died before it
	// recorded an answer: the consumer may or may not have received it.
	OutcomeInterrupted = "interrupted"
)

// Attempt is one HTTP exchange with the consumer.
type Attempt struct {
	N         int           `json:"n"`
	At        time.Time     `json:"at"`
	Request   SentRequest   `json:"request"`
	Response  *GotResponse  `json:"response,omitempty"`
	Latency   time.Duration `json:"latencyNs"`
	LatencyMS float64       `json:"latencyMs"`
	Error     string        `json:"error,omitempty"`
	// Outcome is OutcomeSuccess or OutcomeFailure.
	Outcome string `json:"outcome"`
}

// SentRequest is what went on the wire.
type SentRequest struct {
	Method  string      `json:"method"`
	URL     string      `json:"url"`
	Headers http.Header `json:"headers"`
	Body    string      `json:"body"`
}

// GotResponse is what came back, with the body cut at the configured limit.
type GotResponse struct {
	Status        int         `json:"status"`
	Headers       http.Header `json:"headers"`
	Body          string      `json:"body"`
	BodyTruncated bool        `json:"bodyTruncated,omitempty"`
	// HeadersTruncated says headers past the recording limit were left out.
	HeadersTruncated bool `json:"headersTruncated,omitempty"`
}

// Status is where a delivery stands. Delivered, Dropped, Skipped and
// Interrupted are terminal: every accepted event ends, for every webhook it
// was meant for, in exactly one of them.
type Status string

const (
	StatusPending     Status = "pending"     // queued or being sent
	StatusRetrying    Status = "retrying"    // failed, waiting for its next attempt (exponential)
	StatusDelivered   Status = "delivered"   // the consumer answered success
	StatusDropped     Status = "dropped"     // failed and will not be retried
	StatusSkipped     Status = "skipped"     // not sent: the webhook was FAILED or deleted
	StatusInterrupted Status = "interrupted" // the server shut down first
)

// Terminal reports whether the status is final.
func (s Status) Terminal() bool {
	switch s {
	case StatusDelivered, StatusDropped, StatusSkipped, StatusInterrupted:
		return true
	}
	return false
}

// Delivery is one event on its way to one webhook, with every attempt.
type Delivery struct {
	ID          string    `json:"id"`
	WebhookUUID string    `json:"webhookUuid"`
	URL         string    `json:"url"`
	EventType   string    `json:"eventType"`
	EventID     string    `json:"eventId"`
	RetryType   string    `json:"retryType"`
	Status      Status    `json:"status"`
	Reason      string    `json:"reason,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	// NextAttemptAt is set while the delivery waits to be retried.
	NextAttemptAt *time.Time `json:"nextAttemptAt,omitempty"`
	// Faults lists the faults injected into this delivery, so that a
	// verifier knows what the consumer should have done.
	Faults []string `json:"faults,omitempty"`
	// Injected details each fault: its parameters, what was done, and what
	// a correct consumer does about it.
	Injected []AppliedFault `json:"injected,omitempty"`
	// DuplicateOf is the original delivery of a duplicate copy; Copy
	// numbers the copies from 1.
	DuplicateOf string `json:"duplicateOf,omitempty"`
	Copy        int    `json:"copy,omitempty"`
	// ReplayOf is the delivery this one replays (POST
	// /_mock/deliveries/{id}/replay).
	ReplayOf string    `json:"replayOf,omitempty"`
	Attempts []Attempt `json:"attempts"`
	// Sending is the number of the attempt on the wire right now. Should
	// the process die, that attempt is recorded as interrupted by the one
	// that takes the delivery over.
	Sending int `json:"sending,omitempty"`
}

// Clone deep-copies a record so that readers never share its slices.
func (d *Delivery) Clone() Delivery {
	c := *d
	c.Faults = append([]string(nil), d.Faults...)
	c.Injected = append([]AppliedFault(nil), d.Injected...)
	// Never nil: a delivery with no attempt yet exports "attempts": [].
	c.Attempts = append([]Attempt{}, d.Attempts...)
	if d.NextAttemptAt != nil {
		t := *d.NextAttemptAt
		c.NextAttemptAt = &t
	}
	return c
}

// DeliveryLog is the JSON export of a provider's delivery log
// (GET /_mock/deliveries); the verifier's offline mode reads it back.
type DeliveryLog struct {
	Deliveries []Delivery `json:"deliveries"`
	// Next is the cursor of the next page; absent on the last one.
	Next  string     `json:"next,omitempty"`
	Store StoreStats `json:"store"`
}

// StoreStats says where the log is kept and how much of it.
type StoreStats struct {
	Backend string `json:"backend,omitempty"`
	Kept    int    `json:"kept"`
	Evicted int    `json:"evicted"`
	Pending int    `json:"pending"`
	Cap     int    `json:"cap"`
}

// MaxRecordedHeaderValues bounds the response header values an attempt
// records, on top of Request.HeaderLimit's bytes: thousands of empty
// headers fit in a few kilobytes yet cost far more to keep than that, each
// a string and a slot of a map. Past it the rest are left out (by name,
// in sorted order, as the byte limit leaves them) and the response is
// marked HeadersTruncated.
const MaxRecordedHeaderValues = 64

func capHeaderValues(h http.Header) (http.Header, bool) {
	n := 0
	for _, vs := range h {
		n += len(vs)
	}
	if n <= MaxRecordedHeaderValues {
		return h, false
	}
	out := http.Header{}
	left := MaxRecordedHeaderValues
	for _, k := range slices.Sorted(maps.Keys(h)) {
		vs := h[k]
		if len(vs) > left {
			if left > 0 {
				out[k] = vs[:left:left]
			}
			break
		}
		out[k] = vs
		left -= len(vs)
	}
	return out, true
}
