package wire

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hookmock/hookmock/generator/invalid"
)

// FaultKind names a way the provider misbehaves on purpose.
//
// Faults about the message (signatures, timestamps, content type, body,
// slow send) apply to every attempt of a delivery: the message is faulty,
// and a consumer should refuse it each time. Faults about delivery work
// on the provider clock: delay holds the first attempt back; reorder holds
// a delivery until the next Window deliveries to the same webhook have
// been answered (or Gap passes); duplicate records Count more deliveries
// of the same bytes and event id, each with its own attempts and terminal
// state; drop-first loses the first attempt before it reaches the
// consumer, does not count it against the webhook, and sends again after
// Gap under either retry policy (under circuit-breaker that re-send is the
// message's one real try, so Daily's "tried at least once" still holds).
// Every delivery still ends in exactly one terminal state.
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

// Fault is one injected misbehaviour with its parameters. Zero parameters
// take the kind's default (see Defaults).
type Fault struct {
	Kind FaultKind `json:"kind" yaml:"kind"`
	// Count is how many extra copies a duplicate sends (default 1), or in
	// how many pieces slow-send drips the body (default 8).
	Count int `json:"count,omitempty" yaml:"count,omitempty"`
	// Gap is the wait between duplicate copies (default 0), the delay of
	// delay (10s), the whole drip of slow-send (2s), the age or lead of a
	// stale or future timestamp (1h), the longest a reorder holds a
	// delivery (10s), or the wait before drop-first's re-send (the first
	// exponential back-off).
	Gap time.Duration `json:"gap,omitempty" yaml:"gap,omitempty"`
	// Window is how many later deliveries a reorder lets go first (default 1).
	Window int `json:"window,omitempty" yaml:"window,omitempty"`
	// Invalid is the generator's negative-event kind for schema-violation
	// (default: one of the valid-JSON kinds, chosen by the seed).
	Invalid string `json:"invalid,omitempty" yaml:"invalid,omitempty"`
	// ContentType is what wrong-content-type sends (default text/plain).
	ContentType string `json:"contentType,omitempty" yaml:"contentType,omitempty"`
	// Probability applies the fault to only this share of events, decided
	// by the seed; 0 means always.
	Probability float64 `json:"probability,omitempty" yaml:"probability,omitempty"`
}

func (f Fault) String() string { return string(f.Kind) }

// Syntax writes f back in ParseFaults syntax, e.g. "duplicate:2:1s@0.1".
func (f Fault) Syntax() string {
	s := string(f.Kind)
	if f.Count > 0 {
		s += ":" + strconv.Itoa(f.Count)
	}
	if f.Window > 0 {
		s += ":" + strconv.Itoa(f.Window)
	}
	if f.Gap > 0 {
		s += ":" + f.Gap.String()
	}
	if f.Invalid != "" {
		s += ":" + f.Invalid
	}
	if f.ContentType != "" {
		s += ":" + f.ContentType
	}
	if f.Probability > 0 {
		s += "@" + strconv.FormatFloat(f.Probability, 'g', -1, 64)
	}
	return s
}

// faultAliases are the short names the CLI accepts.
var faultAliases = map[string]FaultKind{"dup": FaultDuplicate, "drop": FaultDropFirst, "badsig": FaultBadSignature,
	"nosig": FaultMissingSignature, "stale": FaultStaleTimestamp, "future": FaultFutureTimestamp,
	"content-type": FaultContentType, "truncate": FaultTruncatedBody, "malformed": FaultMalformedBody,
	"invalid": FaultSchemaViolation, "slow": FaultSlowSend}

// FaultKinds lists every kind.
var FaultKinds = []FaultKind{FaultDuplicate, FaultReorder, FaultDelay, FaultDropFirst, FaultBadSignature,
	FaultMissingSignature, FaultStaleTimestamp, FaultFutureTimestamp, FaultContentType, FaultTruncatedBody,
	FaultMalformedBody, FaultSchemaViolation, FaultSlowSend}

// ParseFaultKind reads a kind name or its short alias.
func ParseFaultKind(name string) (FaultKind, error) {
	k := FaultKind(name)
	if a, ok := faultAliases[name]; ok {
		k = a
	}
	for _, x := range FaultKinds {
		if x == k {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown fault %q (have %v)", name, FaultKinds)
}

// ParseFaults reads a comma-separated list such as "dup,reorder,delay".
// Each entry is kind[:param[:param]][@probability]; a parameter is read by
// its shape: an integer is the count (the window of a reorder), a
// duration is the gap, anything else the invalid kind of a
// schema-violation or the content type of wrong-content-type. Examples:
// "dup:2:1s" (two more copies a second apart), "stale:2h",
// "invalid:missing-required", "reorder:3@0.1" (on one event in ten).
func ParseFaults(s string) ([]Fault, error) {
	var out []Fault
	for _, part := range strings.Split(s, ",") {
		entry := strings.TrimSpace(part)
		if entry == "" {
			continue
		}
		f, err := ParseFault(entry)
		if err != nil {
			return nil, fmt.Errorf("fault %q: %w", entry, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// ParseFault reads one entry of a ParseFaults list.
func ParseFault(entry string) (Fault, error) {
	var f Fault
	if at := strings.LastIndexByte(entry, '@'); at >= 0 {
		p, err := strconv.ParseFloat(entry[at+1:], 64)
		if err != nil {
			return f, fmt.Errorf("probability %q is not a number between 0 and 1", entry[at+1:])
		}
		f.Probability, entry = p, entry[:at]
	}
	parts := strings.Split(entry, ":")
	k, err := ParseFaultKind(parts[0])
	if err != nil {
		return f, err
	}
	f.Kind = k
	for _, p := range parts[1:] {
		if n, err := strconv.Atoi(p); err == nil {
			if k == FaultReorder {
				f.Window = n
			} else {
				f.Count = n
			}
			continue
		}
		if d, err := time.ParseDuration(p); err == nil {
			f.Gap = d
			continue
		}
		if k == FaultContentType {
			f.ContentType = p
		} else {
			f.Invalid = p
		}
	}
	return f, f.Validate()
}

// Validate reports a fault whose parameters are out of range or do not
// apply to its kind.
func (f Fault) Validate() error {
	if _, err := ParseFaultKind(string(f.Kind)); err != nil {
		return err
	}
	switch {
	case f.Probability < 0 || f.Probability > 1:
		return fmt.Errorf("probability %v is not between 0 and 1", f.Probability)
	case f.Count < 0 || f.Window < 0 || f.Gap < 0:
		return fmt.Errorf("%s: count, window and gap cannot be negative", f.Kind)
	case f.Count > 0 && f.Kind != FaultDuplicate && f.Kind != FaultSlowSend:
		return fmt.Errorf("%s takes no count (only duplicate and slow-send do)", f.Kind)
	case f.Window > 0 && f.Kind != FaultReorder:
		return fmt.Errorf("%s takes no window (only reorder does)", f.Kind)
	case f.ContentType != "" && f.Kind != FaultContentType:
		return fmt.Errorf("%s takes no content type", f.Kind)
	case f.Invalid != "" && f.Kind != FaultSchemaViolation:
		return fmt.Errorf("%s takes no parameter %q", f.Kind, f.Invalid)
	case f.Gap > 0 && !gapKinds[f.Kind]:
		return fmt.Errorf("%s takes no duration", f.Kind)
	case f.Count > maxDuplicates && f.Kind == FaultDuplicate:
		return fmt.Errorf("duplicate: at most %d copies", maxDuplicates)
	}
	if f.Invalid != "" {
		k, err := invalid.Parse(f.Invalid)
		if err != nil {
			return err
		}
		if k == invalid.MalformedJSON || k == invalid.RandomKind {
			return fmt.Errorf("schema-violation: %q is not a valid-JSON violation; use malformed-body for bytes that are not JSON", f.Invalid)
		}
	}
	return nil
}

// maxDuplicates bounds one fault's copies, so that a typo cannot queue a
// million deliveries.
const maxDuplicates = 100

var gapKinds = map[FaultKind]bool{FaultDuplicate: true, FaultDelay: true, FaultSlowSend: true, FaultStaleTimestamp: true,
	FaultFutureTimestamp: true, FaultReorder: true, FaultDropFirst: true}

// Defaults fills the parameters left zero; firstBackoff is the wait before
// drop-first's re-send.
func (f Fault) Defaults(firstBackoff time.Duration) Fault {
	def := func(n *int, v int) {
		if *n == 0 {
			*n = v
		}
	}
	gap := func(v time.Duration) {
		if f.Gap == 0 {
			f.Gap = v
		}
	}
	switch f.Kind {
	case FaultDuplicate:
		def(&f.Count, 1)
	case FaultReorder:
		def(&f.Window, 1)
		gap(10 * time.Second)
	case FaultDelay:
		gap(10 * time.Second)
	case FaultDropFirst:
		gap(firstBackoff)
	case FaultStaleTimestamp, FaultFutureTimestamp:
		gap(time.Hour)
	case FaultContentType:
		if f.ContentType == "" {
			f.ContentType = "text/plain; charset=utf-8"
		}
	case FaultSlowSend:
		def(&f.Count, 8)
		gap(2 * time.Second)
	}
	return f
}
