package contracts_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/contracts"
	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/signing"
)

var _ = Describe("LoadContract", func() {
	It("reads every field", func() {
		GinkgoT().Setenv("BILLING_DAILY_HMAC", secret)
		c, err := contracts.LoadContract("testdata/full-consumer.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Name).To(Equal("billing"))
		Expect(c.Endpoint).To(Equal("http://127.0.0.1:8080/webhooks/daily"))
		Expect(c.Spec.Source).To(Equal("embedded:daily/calltransfer.yaml"))
		Expect(c.Signing).To(Equal(contracts.Signing{Scheme: signing.Daily, SecretEnv: "BILLING_DAILY_HMAC", BasicAuth: "YmlsbGluZzpzM2NyM3Q="}))
		Expect(c.Events).To(Equal([]string{"calltransfer.triggered", "calltransfer.completed"}))
		Expect([]time.Duration{c.Deadline, c.Timeout}).To(Equal([]time.Duration{3 * time.Second, 8 * time.Second}))
		Expect(c.Success).To(Equal("2xx"))
		Expect([]int{c.Concurrency, c.BodyLimit}).To(Equal([]int{2, 4096}))
		Expect(c.Seed).To(Equal(uint64(42)))
		Expect(c.Clauses.RejectsBadSignature.StaleBy).To(Equal(2 * time.Hour))
		Expect(*c.Clauses.DuplicateSafe.IdempotencyProbe).To(Equal(contracts.IdempotencyProbe{Command: []string{"./processed-count", "--id={id}"}, Settle: 250 * time.Millisecond}))
		Expect(c.Clauses.SchemaViolations).To(Equal(contracts.SchemaViolationOptions{Expect: contracts.Accept, Kinds: []generator.Kind{generator.MissingRequired, generator.MalformedJSON}}))
		Expect(c.Clauses.OutOfOrder).To(Equal(contracts.OutOfOrderOptions{Lifecycle: []string{"calltransfer.triggered", "calltransfer.completed"}, Correlate: "/payload/session_id"}))
		Expect(c.Clauses.Skip).To(Equal([]string{"response-shape"}))
		Expect(c.Reads).To(Equal(map[string][]string{"calltransfer.completed": {"/payload/room", "/payload/to_endpoint"}}))
		Expect(c.Line("events/1")).To(Equal(9))
		Expect(c.Line("reads/calltransfer.completed")).To(Equal(31))
	})

	It("reads the version gate's minimal consumer files", func() {
		c, err := contracts.LoadContract("gate/testdata/consumers/billing.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Name).To(Equal("billing"))
		Expect(c.Events).To(Equal([]string{"calltransfer.completed"}))
		Expect(c.Reads["calltransfer.completed"]).To(Equal([]string{"/payload/room", "/payload/completeStatus"}))
	})

	It("is a format the version gate reads too", func() {
		data, err := os.ReadFile("testdata/full-consumer.yaml")
		Expect(err).NotTo(HaveOccurred())
		c, err := gate.ParseConsumer("testdata/full-consumer.yaml", data)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Name).To(Equal("billing"))
		Expect(c.Events).To(Equal([]string{"calltransfer.triggered", "calltransfer.completed"}))
		Expect(c.Reads).To(Equal(map[string][]string{"calltransfer.completed": {"/payload/room", "/payload/to_endpoint"}}))
	})

	It("resolves a relative spec path against the contract's folder", func() {
		c, err := contracts.LoadContract("testdata/ack-consumer.yaml")
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Spec.Source).To(Equal(filepath.Join("testdata", "ack-webhooks.yaml")))
	})

	DescribeTable("names file and line of every mistake",
		func(src, want string) {
			path := filepath.Join(GinkgoT().TempDir(), "c.yaml")
			Expect(os.WriteFile(path, []byte(src), 0o644)).To(Succeed())
			_, err := contracts.LoadContract(path)
			Expect(err).To(HaveOccurred())
			// want is ":LINE: message"; errors from the YAML reader carry
			// the column too (":LINE:COL: message").
			line, msg, _ := strings.Cut(strings.TrimPrefix(want, ":"), ": ")
			Expect(err.Error()).To(MatchRegexp(`%s:%s(:\d+)?: %s`, regexp.QuoteMeta(path), line, regexp.QuoteMeta(msg)))
		},
		Entry("unknown key", "name: x\nevnts: [a]\n", `:2: unknown key "evnts" (did you mean "events"?); valid keys: name, endpoint, spec,`),
		Entry("unknown nested key", "signing:\n  secrte: x\n", `:2: signing: unknown key "secrte" (did you mean "secret"?); valid keys: scheme, secret, secretEnv, basicAuth`),
		Entry("duplicate key", "name: a\nname: b\n", `:2: duplicate key "name"`),
		Entry("events not a list", "events: calltransfer.completed\n", `:1: events must be a list`),
		Entry("unknown event", "events:\n  - calltransfer.completed\n  - calltransfer.complete\n", `:3: event "calltransfer.complete" is not in embedded:daily/daily.yaml (events: `),
		Entry("reads outside events", "events: [calltransfer.completed]\nreads:\n  calltransfer.answered: [payload.room]\n", `:3: reads names "calltransfer.answered", which is not in events`),
		Entry("bad field", "reads:\n  calltransfer.completed: [a..b]\n", `:2: field "a..b": empty segment`),
		Entry("bad duration", "deadline: soon\n", `:1: deadline: want a positive duration such as 5s or 250ms, got "soon"`),
		Entry("timeout under the deadline", "deadline: 5s\ntimeout: 1s\n", `:2: timeout 1s is shorter than the deadline 5s`),
		Entry("bad success", "success: 201\n", `:1: success: want 200 or 2xx, got "201"`),
		Entry("bad scheme", "signing: {scheme: hex}\n", `:1: signing.scheme: unknown signing scheme "hex"`),
		Entry("secret not base64", "signing: {secret: '%%%'}\n", `:1: signing: hmac secret is not base64`),
		Entry("endpoint not a URL", "endpoint: localhost:8080/hook\n", `:1: endpoint: "localhost:8080/hook" is not an http(s) URL`),
		Entry("unknown clause", "clauses:\n  rejects-bad-sig: {}\n", `:2: clauses: unknown key "rejects-bad-sig"`),
		Entry("skip of an unknown clause", "clauses:\n  skip: [probes]\n", `:2: clauses.skip: unknown clause "probes"`),
		Entry("options on a clause without any", "clauses:\n  probe: {fast: true}\n", `:2: clauses.probe takes no options`),
		Entry("bad expectation", "clauses:\n  schema-violations: ignore\n", `:2: clauses.schema-violations: want reject, accept or either, got "ignore"`),
		Entry("bad stale level", "clauses:\n  rejects-bad-signature: {staleTimestamp: maybe}\n", `:2: staleTimestamp: want fail or warn, got "maybe"`),
		Entry("bad kind", "clauses:\n  schema-violations: {kinds: [typo]}\n", `:2: kinds: unknown kind "typo" (want missing-required, wrong-type, pattern, enum, malformed-json)`),
		Entry("probe without {id}", "clauses:\n  duplicate-safe:\n    idempotencyProbe: {url: 'http://x/count'}\n", `:3: idempotencyProbe: url must contain "{id}"`),
		Entry("probe with url and command", "clauses:\n  duplicate-safe:\n    idempotencyProbe: {url: 'http://x/{id}', command: [c, '{id}']}\n", `:3: idempotencyProbe: give exactly one of url and command`),
		Entry("short lifecycle", "clauses:\n  out-of-order: {lifecycle: [calltransfer.completed]}\n", `:2: lifecycle: list at least two events`),
		Entry("lifecycle event unknown", "clauses:\n  out-of-order:\n    lifecycle:\n      - calltransfer.triggered\n      - calltransfer.done\n", `:5: event "calltransfer.done" is not in`),
		Entry("missing spec", "spec: nowhere.yaml\n", `:1: spec: open `),
		Entry("not a mapping", "- a\n", `:1: the contract must be a mapping`),
		Entry("bad YAML", "name: [\n", `:2: did not find expected node content`),
		Entry("an alias cycle", "name: &n [*n]\n", `:1: alias *n is inside the node its anchor &n names`),
	)
})
