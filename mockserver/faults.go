package mockserver

import (
	"fmt"
	"strings"
	"time"
)

// FaultKind names a way the provider misbehaves on purpose.
type FaultKind string

const (
	FaultDuplicate        FaultKind = "duplicate"          // the same event (same id) sent N more times
	FaultReorder          FaultKind = "reorder"            // held back and swapped with a later one
	FaultDelay            FaultKind = "delay"              // sent late
	FaultDropFirst        FaultKind = "drop-first"         // the first attempt is dropped, forcing a retry
	FaultBadSignature     FaultKind = "bad-signature"      // a signature that does not match
	FaultMissingSignature FaultKind = "missing-signature"  // no signature headers
	FaultStaleTimestamp   FaultKind = "stale-timestamp"    // signed, but with an old timestamp
	FaultFutureTimestamp  FaultKind = "future-timestamp"   // signed, with a timestamp ahead of now
	FaultContentType      FaultKind = "wrong-content-type" // Content-Type other than application/json
	FaultTruncatedBody    FaultKind = "truncated-body"     // the body cut short (signed as sent)
	FaultMalformedBody    FaultKind = "malformed-body"     // bytes that are not JSON
	FaultSchemaViolation  FaultKind = "schema-violation"   // a valid-JSON body that breaks the contract
	FaultSlowSend         FaultKind = "slow-send"          // the body dripped slowly
)

// Fault is one injected misbehaviour with its parameters.
type Fault struct {
	Kind FaultKind `json:"kind" yaml:"kind"`
	// Count is how many extra copies a duplicate sends (default 1).
	Count int `json:"count,omitempty" yaml:"count,omitempty"`
	// Gap is the wait between duplicate copies, or the delay of delay and
	// slow-send, or the age of a stale/future timestamp.
	Gap time.Duration `json:"gap,omitempty" yaml:"gap,omitempty"`
	// Window is how many later events a reorder may swap with (default 1).
	Window int `json:"window,omitempty" yaml:"window,omitempty"`
	// Invalid is the generator's negative-event kind for schema-violation.
	Invalid string `json:"invalid,omitempty" yaml:"invalid,omitempty"`
}

func (f Fault) String() string { return string(f.Kind) }

// faultAliases are the short names the CLI accepts.
var faultAliases = map[string]FaultKind{"dup": FaultDuplicate, "drop": FaultDropFirst, "badsig": FaultBadSignature,
	"nosig": FaultMissingSignature, "stale": FaultStaleTimestamp, "future": FaultFutureTimestamp,
	"content-type": FaultContentType, "truncate": FaultTruncatedBody, "malformed": FaultMalformedBody,
	"invalid": FaultSchemaViolation, "slow": FaultSlowSend}

// FaultKinds lists every kind.
var FaultKinds = []FaultKind{FaultDuplicate, FaultReorder, FaultDelay, FaultDropFirst, FaultBadSignature,
	FaultMissingSignature, FaultStaleTimestamp, FaultFutureTimestamp, FaultContentType, FaultTruncatedBody,
	FaultMalformedBody, FaultSchemaViolation, FaultSlowSend}

// ParseFaults reads a comma-separated list such as "dup,reorder,delay".
func ParseFaults(s string) ([]Fault, error) {
	var out []Fault
	for _, part := range strings.Split(s, ",") {
		name := strings.TrimSpace(part)
		if name == "" {
			continue
		}
		k := FaultKind(name)
		if a, ok := faultAliases[name]; ok {
			k = a
		}
		known := false
		for _, x := range FaultKinds {
			known = known || x == k
		}
		if !known {
			return nil, fmt.Errorf("unknown fault %q (have %v)", name, FaultKinds)
		}
		out = append(out, Fault{Kind: k})
	}
	return out, nil
}

// WithFaults injects faults into the deliveries of one triggered event.
func WithFaults(f ...Fault) TriggerOption {
	return func(r *triggerRequest) { r.faults = append(r.faults, f...) }
}
