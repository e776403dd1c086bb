package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Event is the envelope every Daily webhook shares. Fields Daily may add
// later are ignored: encoding/json skips unknown keys, which is what a
// consumer of an evolving API wants.
type Event struct {
	Version string          `json:"version"`
	Type    string          `json:"type"`
	ID      string          `json:"id"`
	Payload json.RawMessage `json:"payload"`
	// EventTS is when Daily sent the webhook (Unix seconds, fractional).
	EventTS float64 `json:"event_ts"`
}

// TransferPayload is the payload of the calltransfer.* events.
type TransferPayload struct {
	DomainID     string `json:"domain_id"`
	Room         string `json:"room"`
	SessionID    string `json:"session_id"`
	MtgSessionID string `json:"mtg_session_id"`
	ToEndpoint   string `json:"to_endpoint"`
	FromEndpoint string `json:"from_endpoint"`
	// IsSIPRefer is absent from some events (Daily's completed example
	// has none), so it is a pointer: absent is not false.
	IsSIPRefer *bool `json:"is_sip_refer,omitempty"`
	// Timestamp is when the event happened.
	Timestamp UnixSeconds `json:"timestamp"`
}

// UnixSeconds reads Daily's payload.timestamp, which Daily documents as an
// integer but sends, in every example, as a string of digits.
type UnixSeconds int64

// UnmarshalJSON accepts 1770005095 and "1770005095".
func (u *UnixSeconds) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp %s: want Unix seconds", b)
	}
	*u = UnixSeconds(n)
	return nil
}
