package hostilecli_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/cmd"
	"github.com/hookmock/hookmock/internal/hostile"
)

func write(name string, data []byte) string {
	path := filepath.Join(GinkgoT().TempDir(), name)
	Expect(os.WriteFile(path, data, 0o600)).To(Succeed())
	return path
}

// outcome is what one command must do with one hostile spec.
type outcome struct {
	code int
	msg  string // part of stderr; "" for none
}

var loadError = func(msg string) outcome { return outcome{cmd.ExitUsage, msg} }

var _ = Describe("hostile specs", func() {
	event := func() string { return write("event.json", []byte(`{"id": "x"}`)) }

	DescribeTable("end within the deadline with the documented exit code and a clear message",
		func(doc []byte, validate, gen, gate, serve outcome) {
			spec := write("spec.yaml", doc)
			check := func(what string, r result, want outcome) {
				Expect(r.code).To(Equal(want.code), "%s: stderr %s", what, r.stderr)
				if want.msg != "" {
					Expect(r.stderr).To(ContainSubstring(want.msg), what)
				}
			}
			check("validate", run("validate", "--spec", spec, "--event", "e", event()), validate)
			check("gen", run("gen", "--spec", spec, "--seed", "1", "e"), gen)
			check("gate", run("gate", spec, spec), gate)
			check("serve --spec", serveUntilReady(spec), serve)
		},
		Entry("a YAML alias cycle", hostile.AliasCycleSpec(),
			loadError("spec.yaml:4:6: alias *w is inside the node its anchor &w names"),
			loadError("alias *w is inside"), loadError("alias *w is inside"), loadError("alias *w is inside")),
		Entry("a billion laughs", hostile.LaughsSpec(),
			loadError("yaml.maxAliasExpansion"), loadError("yaml.maxAliasExpansion"),
			loadError("yaml.maxAliasExpansion"), loadError("yaml.maxAliasExpansion")),
		Entry("allOf 1000 deep", hostile.DeepAllOf(1000),
			loadError("spec.maxSchemaDepth"), loadError("spec.maxSchemaDepth"),
			loadError("spec.maxSchemaDepth"), loadError("spec.maxSchemaDepth")),
		Entry("a $ref DAG 30 levels deep", hostile.RefDAG(30),
			loadError("(/components/schemas/s18): validating one value against this schema visits more than 10000 schemas"),
			loadError("spec.maxSchemaEvaluations"), loadError("spec.maxSchemaEvaluations"), loadError("spec.maxSchemaEvaluations")),
		// Bounded work: these load and run.
		Entry("a $ref chain 1000 deep", hostile.RefChain(1000),
			outcome{cmd.ExitOK, ""}, outcome{cmd.ExitOK, ""}, outcome{cmd.ExitOK, ""}, outcome{cmd.ExitOK, ""}),
		Entry("20,000 required properties", hostile.ManyProperties(20000),
			outcome{cmd.ExitFailed, "1 invalid"}, outcome{cmd.ExitOK, ""}, outcome{cmd.ExitOK, ""}, outcome{cmd.ExitOK, ""}),
		// The spec loads and validates events; it cannot be generated from.
		Entry("a huge minItems", hostile.MinItems(1_000_000_000),
			outcome{cmd.ExitFailed, "1 invalid"},
			loadError("(/components/schemas/s0/properties/a): the smallest value this schema allows (minItems 1000000000"),
			outcome{cmd.ExitOK, ""}, loadError("generator.maxEventBytes")),
		Entry("minLength: 2000000000", hostile.MinLength(2_000_000_000),
			outcome{cmd.ExitFailed, "1 invalid"},
			loadError("(/components/schemas/s0/properties/a): the smallest value this schema allows (minLength 2000000000) is over generator.maxEventBytes"),
			outcome{cmd.ExitOK, ""}, loadError("generator.maxEventBytes")),
		Entry("a $ref cycle with no finite instance", hostile.RefCycle(),
			outcome{cmd.ExitFailed, "1 invalid"},
			loadError("the schema has no finite instance"),
			outcome{cmd.ExitOK, ""}, loadError("the schema has no finite instance")),
	)

	It("never reports a schema that asks too much as a generator bug", func() {
		for _, doc := range [][]byte{hostile.MinLength(2_000_000_000), hostile.MinItems(1 << 40), hostile.RefCycle()} {
			r := run("gen", "--spec", write("spec.yaml", doc), "e")
			Expect(r.stderr).NotTo(ContainSubstring("generator bug"))
		}
	})
})

var _ = Describe("hostile YAML in the other readers", func() {
	laughs := "lol:\n" + hostile.Laughs(10)

	// scenario check documents exit 1 for a file with errors.
	It("refuses a scenario with an alias cycle or a billion laughs (scenario check)", func() {
		r := run("scenario", "check", write("cycle.yaml", hostile.AliasCycleScenario()))
		Expect(r.code).To(Equal(cmd.ExitFailed), r.stderr)
		Expect(r.stdout + r.stderr).To(ContainSubstring("cycle.yaml:5:28: YAML: alias *m is inside the node its anchor &m names"))
		r = run("scenario", "check", write("lol.yaml", hostile.LaughsScenario()))
		Expect(r.code).To(Equal(cmd.ExitFailed), r.stderr)
		Expect(r.stdout + r.stderr).To(ContainSubstring("yaml.maxAliasExpansion"))
	})

	It("refuses a hookmock.yaml with an alias cycle, a billion laughs or a misspelt key", func() {
		for doc, want := range map[string]string{
			"delivery: &d {timeout: *d}\n":      "hookmock.yaml:1:24: alias *d is inside",
			laughs:                              "yaml.maxAliasExpansion",
			"delivry:\n  workers: 2\n":          `hookmock.yaml:1:1: unknown key "delivry" (did you mean "delivery"?); valid keys: `,
			"addr: 127.0.0.1:0\ndelivery: [1\n": "hookmock.yaml:3:1: did not find expected ',' or ']'",
		} {
			r := run("serve", "--config", write("hookmock.yaml", []byte(doc)))
			Expect(r.code).To(Equal(cmd.ExitUsage), r.stderr)
			Expect(r.stderr).To(ContainSubstring(want))
		}
	})

	It("refuses a consumer contract and a gate policy with hostile YAML", func() {
		daily := "embedded:daily/calltransfer.yaml"
		consumers := filepath.Dir(write("c.yaml", []byte("name: &n [*n]\n")))
		r := run("gate", "--consumers", consumers, daily, daily)
		Expect(r.code).To(Equal(cmd.ExitUsage), r.stderr)
		Expect(r.stderr).To(ContainSubstring("c.yaml:1:11: alias *n is inside"))

		r = run("verify", "--contract", write("consumer.yaml", []byte("name: x\n"+laughs)))
		Expect(r.code).To(Equal(cmd.ExitUsage), r.stderr)
		Expect(r.stderr).To(ContainSubstring("yaml.maxAliasExpansion"))

		r = run("gate", "--policy", write("policy.yaml", []byte("rules: &r {x: *r}\n")), daily, daily)
		Expect(r.code).To(Equal(cmd.ExitUsage), r.stderr)
		Expect(r.stderr).To(ContainSubstring("policy.yaml:1:15: alias *r is inside"))
	})
})

var _ = Describe("HOOKMOCK_LIMITS", func() {
	It("raises the bounds for a legitimately big contract, and refuses a bad setting", func() {
		dag := write("spec.yaml", hostile.RefDAG(14))
		Expect(run("gen", "--spec", dag, "--seed", "1", "e").code).To(Equal(cmd.ExitUsage))
		raised := runEnv([]string{"HOOKMOCK_LIMITS=spec.maxSchemaEvaluations=100000"}, "gen", "--spec", dag, "--seed", "1", "e")
		Expect(raised.code).To(Equal(cmd.ExitOK), raised.stderr)

		long := write("long.yaml", hostile.MinLength(5<<20))
		Expect(run("gen", "--spec", long, "e").stderr).To(ContainSubstring("generator.maxEventBytes"))
		raised = runEnv([]string{"HOOKMOCK_LIMITS=generator.maxEventBytes=16777216"}, "gen", "--spec", long, "--seed", "1", "e")
		Expect(raised.code).To(Equal(cmd.ExitOK), raised.stderr)
		Expect(len(raised.stdout)).To(BeNumerically(">", 5<<20))

		bad := runEnv([]string{"HOOKMOCK_LIMITS=spec.maxEvaluations=5"}, "validate", "--spec", dag, "--event", "e", write("e.json", []byte("{}")))
		Expect(bad.code).To(Equal(cmd.ExitUsage))
		Expect(bad.stderr).To(ContainSubstring(`HOOKMOCK_LIMITS: "spec.maxEvaluations=5" is not NAME=VALUE with NAME one of generator.maxEventBytes, spec.maxBytes, spec.maxSchemaDepth, spec.maxSchemaEvaluations`))
	})
})
