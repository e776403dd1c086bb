package contracts

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

// Defaults that a contract does not override.
const (
	DefaultDeadline    = 5 * time.Second
	DefaultConcurrency = 4
	DefaultBodyLimit   = 64 << 10
	DefaultStaleBy     = time.Hour
	DefaultSettle      = 100 * time.Millisecond
)

// dailyLifecycle is the order of a Daily call transfer's events.
var dailyLifecycle = []string{"calltransfer.triggered", "calltransfer.initiated", "calltransfer.answered", "calltransfer.completed"}

// settings is a resolved contract with every default filled in, shared by
// the live and the offline verifier.
type settings struct {
	c      *Contract
	spec   *spec.Spec
	secret string
	// events are the consumed events: lifecycle ones first, in lifecycle
	// order, then the rest in the contract's order.
	events            []*spec.Event
	deadline, timeout time.Duration
	success2xx        bool
	expect            Expectation
	kinds             []generator.Kind
	lifecycle         []*spec.Event
	correlate         string
	staleBy           time.Duration
	// staleLevel is what an accepted stale timestamp counts as.
	staleLevel  Verdict
	bodyLimit   int
	concurrency int
	skip        map[string]bool
}

func (c *Contract) deadline() time.Duration {
	if c.Deadline > 0 {
		return c.Deadline
	}
	return DefaultDeadline
}

func newSettings(c *Contract) (*settings, error) {
	if err := c.Resolve(); err != nil {
		return nil, err
	}
	s := &settings{c: c, spec: c.Spec, secret: c.secret(), deadline: c.deadline(), timeout: c.Timeout,
		staleBy: c.Clauses.RejectsBadSignature.StaleBy, bodyLimit: c.BodyLimit, concurrency: c.Concurrency,
		kinds: c.Clauses.SchemaViolations.Kinds, correlate: c.Clauses.OutOfOrder.Correlate, skip: map[string]bool{}}
	if s.timeout == 0 {
		s.timeout = 2 * s.deadline
	}
	if s.staleBy == 0 {
		s.staleBy = DefaultStaleBy
	}
	if s.bodyLimit == 0 {
		s.bodyLimit = DefaultBodyLimit
	}
	if s.concurrency == 0 {
		s.concurrency = DefaultConcurrency
	}
	if len(s.kinds) == 0 {
		s.kinds = generator.Kinds
	}
	if s.correlate == "" {
		s.correlate = "/payload/session_id"
	}
	for _, id := range c.Clauses.Skip {
		s.skip[id] = true
	}
	consumed := s.spec.Events
	if len(c.Events) > 0 {
		consumed = nil
		for _, name := range c.Events {
			e, _ := s.spec.Lookup(name)
			if !slices.Contains(consumed, e) {
				consumed = append(consumed, e)
			}
		}
	}
	s.lifecycle = lifecycleOf(s.spec, c.Clauses.OutOfOrder.Lifecycle, consumed)
	s.events = append(s.events, s.lifecycle...)
	for _, e := range consumed {
		if !slices.Contains(s.events, e) {
			s.events = append(s.events, e)
		}
	}
	s.success2xx = c.Success == "2xx" || (c.Success == "" && !only200(s.events))
	s.expect = c.Clauses.SchemaViolations.Expect
	if s.expect == "" {
		s.expect = Either
	}
	s.staleLevel = c.Clauses.RejectsBadSignature.StaleTimestamp
	if s.staleLevel == "" {
		// Standard Webhooks' spec and Stripe's libraries set a 5-minute
		// tolerance; Daily and the others document none.
		s.staleLevel = VerdictWarn
		if c.Signing.Scheme == signing.Standard || c.Signing.Scheme == signing.Stripe {
			s.staleLevel = VerdictFail
		}
	}
	return s, nil
}

// lifecycleOf returns the consumed events of the declared lifecycle (or of
// Daily's, when the spec has it), in order.
func lifecycleOf(s *spec.Spec, declared []string, consumed []*spec.Event) []*spec.Event {
	names := declared
	if len(names) == 0 {
		names = dailyLifecycle
	}
	var out []*spec.Event
	for _, n := range names {
		if e, ok := s.Lookup(n); ok && slices.Contains(consumed, e) {
			out = append(out, e)
		}
	}
	return out
}

// only200 tells whether 200 is the only success the events declare.
func only200(events []*spec.Event) bool {
	seen := false
	for _, e := range events {
		for _, r := range e.Responses {
			if st := strings.ToUpper(r.Status); st == "200" {
				seen = true
			} else if strings.HasPrefix(st, "2") {
				return false
			}
		}
	}
	return seen
}

// successText names the success rule in reasons.
func (s *settings) successText() string {
	if s.success2xx {
		return "2xx"
	}
	return "200"
}

func (s *settings) isSuccess(status int) bool {
	if s.success2xx {
		return status >= 200 && status < 300
	}
	return status == http.StatusOK
}

// eventName is how reports name an event: its type value, else its name.
func eventName(e *spec.Event) string {
	if e.Type != "" {
		return e.Type
	}
	return e.Name
}

// specLabel names the provider contract in reports.
func specLabel(s *spec.Spec) string {
	return strings.TrimSpace(fmt.Sprintf("%s %s (%s)", s.Title, s.Version, s.Source))
}
