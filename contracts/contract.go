package contracts

import (
	"time"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

// Contract is one consumer's contract: what it promises to do with the
// webhooks of a provider contract. Zero fields take the defaults noted.
type Contract struct {
	// Name names the consumer in reports (default: the file name).
	Name string
	// Source is the file the contract was read from ("" when built in code).
	Source string
	// Endpoint is the consumer's webhook URL; live verification needs it,
	// offline verification uses it to pick the consumer's deliveries.
	Endpoint string
	// SpecRef is the provider contract as written: a path (relative to the
	// contract file) or embedded:NAME. Default: the embedded Daily contract.
	SpecRef string
	// Spec is the provider contract itself; when set, SpecRef is ignored.
	Spec *spec.Spec
	// Signing says how deliveries are signed.
	Signing Signing
	// Events are the event names or type values consumed; empty means all.
	Events []string
	// Deadline is how fast a success must come (default 5 s, Daily's
	// "within a few seconds").
	Deadline time.Duration
	// Timeout bounds every request, so that a slow consumer still gets its
	// status judged by clauses that do not time it (default 2 × Deadline).
	Timeout time.Duration
	// Success is "200" or "2xx"; "" takes it from the provider contract:
	// 200 when the only success it declares is 200, else any 2xx.
	Success string
	// Concurrency is how many cases run at once (default 4).
	Concurrency int
	// Seed makes generated events reproducible; 0 picks one per run, and
	// the report says which.
	Seed uint64
	// BodyLimit is how many bytes of a response body are read (default
	// 64 KiB); the rest is discarded unread past a bounded drain.
	BodyLimit int
	// Clauses holds the per-clause choices.
	Clauses ClauseOptions
	// Reads maps an event to the JSON pointers the consumer reads; the
	// version gate uses it to tell which changes break this consumer.
	Reads map[string][]string

	// lines locates YAML entries for errors found after parsing:
	// "events/N", "reads/EVENT", "endpoint", "spec", "signing/secret", …
	lines map[string]int
}

// Signing is how the provider signs deliveries to this consumer.
type Signing struct {
	// Scheme is signing.Daily (default) or signing.Standard.
	Scheme signing.Scheme
	// Secret is the webhook's base64 hmac (Daily) or whsec_ key (Standard).
	Secret string
	// SecretEnv names an environment variable holding the secret, so that
	// the contract file can be committed without it.
	SecretEnv string
	// BasicAuth is sent verbatim as "Authorization: Basic <value>", as
	// Daily does for a webhook created with basicAuth.
	BasicAuth string
	// Params configure the scheme: the generic hmac scheme needs them.
	Params *signing.Params
}

// ClauseOptions are the per-clause choices of a contract.
type ClauseOptions struct {
	// Skip lists clause ids not to run.
	Skip []string
	// RejectsBadSignature tunes the rejects-bad-signature clause.
	RejectsBadSignature BadSignatureOptions
	// DuplicateSafe tunes the duplicate-safe clause.
	DuplicateSafe DuplicateOptions
	// SchemaViolations tunes the schema-violations clause.
	SchemaViolations SchemaViolationOptions
	// OutOfOrder tunes the out-of-order clause.
	OutOfOrder OutOfOrderOptions
}

// BadSignatureOptions tune rejects-bad-signature.
type BadSignatureOptions struct {
	// StaleBy is how old the stale-timestamp case's timestamp is (default
	// 1 h: past any common replay window, and past the 30 minutes over which
	// Daily's exponential policy retries a message).
	StaleBy time.Duration
	// StaleTimestamp is what accepting the stale-timestamp case counts as:
	// VerdictFail or VerdictWarn. "" takes the scheme's rule: a warning
	// for Daily, which documents no replay window, so a consumer that
	// checks exactly what Daily documents still passes (and for the other
	// schemes that document none); a failure for Standard Webhooks, whose
	// spec sets a 5-minute tolerance, and Stripe, whose libraries do.
	StaleTimestamp Verdict
}

// DuplicateOptions tune duplicate-safe.
type DuplicateOptions struct {
	// IdempotencyProbe, when set, is asked how often an event was processed.
	IdempotencyProbe *IdempotencyProbe
}

// IdempotencyProbe asks the consumer how many times it processed an event
// id. Exactly one of URL and Command is set; "{id}" in either is replaced
// by the event id. The answer is a bare integer or a JSON object with an
// integer "count".
type IdempotencyProbe struct {
	// URL is fetched with GET; the id is query-escaped.
	URL string
	// Command is run without a shell; its standard output is the answer.
	Command []string
	// Settle is how long the count must stay the same before it is read,
	// for consumers that process after answering (default 100 ms).
	Settle time.Duration
}

// Expectation is a consumer's declared answer to schema-violating events.
type Expectation string

const (
	// Reject means a 4xx.
	Reject Expectation = "reject"
	// Accept means a success status (the consumer parks what it cannot use).
	Accept Expectation = "accept"
	// Either means a 4xx or a success: only a crash (5xx), a redirect or
	// no answer fails.
	Either Expectation = "either"
)

// SchemaViolationOptions tune schema-violations.
type SchemaViolationOptions struct {
	// Expect is Reject, Accept or Either; "" means Either: the choice is
	// the consumer's, and answering 200 to authentic events it cannot use
	// (so that they do not trip a provider's circuit breaker) is as good
	// a choice as a 4xx.
	Expect Expectation
	// Kinds are the generator's negative kinds to send (default: all).
	Kinds []generator.Kind
}

// OutOfOrderOptions tune out-of-order.
type OutOfOrderOptions struct {
	// Lifecycle lists, in order, the events of one business object's life;
	// default: Daily's calltransfer triggered → initiated → answered →
	// completed when the provider contract has them.
	Lifecycle []string
	// Correlate is the body field that ties a lifecycle's events together,
	// for offline checks (default payload.session_id).
	Correlate string
}

// Line returns the YAML line of a contract entry ("events/2",
// "reads/calltransfer.completed", "endpoint", …), or 0.
func (c *Contract) Line(key string) int { return c.lines[key] }

func (c *Contract) setLine(key string, line int) {
	if c.lines == nil {
		c.lines = map[string]int{}
	}
	c.lines[key] = line
}
