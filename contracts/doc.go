// Package contracts is hookmock's consumer contract verifier: it tells a
// team that consumes webhooks, with evidence, whether their endpoint keeps
// the contract. It plays the provider against a live endpoint (Verify) or
// judges deliveries already recorded by the mock server (VerifyDeliveries).
//
// A consumer contract (Contract, usually a YAML file read by LoadContract)
// names the endpoint, how deliveries are signed, the events the consumer
// takes, the deadline, and a choice per clause. The clauses, in order:
//
//	probe                      200 to Daily's {"test":"test"} verification probe, in time
//	accepts-valid              success to a valid event of each type, within the deadline
//	rejects-bad-signature      4xx to a bad signature, a missing one, a stale timestamp (for Daily a warning)
//	duplicate-safe             success to a duplicate; processed once (idempotency probe)
//	tolerates-additive-change  success with unknown extra fields and every optional field
//	schema-violations          4xx (reject), success (accept) or either to contract-breaking events
//	out-of-order               no 5xx when a lifecycle arrives out of order
//	response-shape             the response body matches the declared response schema
//
// # Contract file
//
// Every key is optional; the version gate (contracts/gate) reads the same
// files for name, events and reads.
//
//	name: billing                      # default: the file name
//	endpoint: http://127.0.0.1:8080/webhooks/daily
//	spec: embedded:daily/calltransfer.yaml   # or a path, relative to this file
//	signing:
//	  scheme: daily                    # or standard (Standard Webhooks)
//	  secret: <base64 hmac>            # or whsec_… for standard
//	  secretEnv: BILLING_DAILY_HMAC    # instead of secret, to commit the file
//	  basicAuth: <value>               # sent as Authorization: Basic <value>
//	events: [calltransfer.triggered, calltransfer.completed]   # default: all
//	deadline: 5s                       # success must come this fast
//	timeout: 10s                       # bound on every request (default 2 × deadline)
//	success: 200                       # or 2xx; default from the provider contract
//	concurrency: 4                     # cases run at once
//	seed: 42                           # default: random, printed in the report
//	bodyLimit: 65536                   # response bytes read
//	clauses:
//	  rejects-bad-signature: {staleBy: 1h, staleTimestamp: fail}   # default: warn for daily, fail for standard
//	  duplicate-safe:
//	    idempotencyProbe:
//	      url: http://127.0.0.1:8080/debug/processed?id={id}   # or command: [prog, "{id}"]
//	      settle: 100ms
//	  schema-violations: reject        # or accept, either (default), or {expect: reject, kinds: [missing-required]}
//	  out-of-order:
//	    lifecycle: [calltransfer.triggered, calltransfer.completed]
//	    correlate: payload.session_id
//	  skip: [response-shape]
//	reads:                             # for the version gate
//	  calltransfer.completed: [payload.room, /payload/to_endpoint]
//
// Each clause runs as one or more cases; a Result is one clause-case with
// its verdict (its level: fail, warn or pass, or skip) and the exchanges
// that prove it (status, latency, body excerpt). A warning names a risk
// without failing the run. Everything the verifier waits for is bounded: each request by
// the contract's timeout, each response body by a size limit, the whole run
// by the caller's context.
//
// After the clauses, a diagnosis (Report.Diagnosis) names the consumer's
// mistake behind a failure: for a rejected valid event it sends signed
// variants (at most MaxDiagnosisRequests, each recorded) and the first one
// accepted names the mistake (an HMAC over the body alone, a hex digest,
// an undecoded secret...); other failures get a fix hint from their
// evidence. Every report format shows it as a note on the clause.
//
// For Go test suites, Pass is a Gomega matcher (Expect(report).To(Pass()))
// that needs no Gomega import here; the Ginkgo helper that turns clauses
// into specs lives in contracts/contractstest.
package contracts
