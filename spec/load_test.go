package spec_test

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/spec"
)

var _ = Describe("loading documents", func() {
	load := func(doc string) (*spec.Spec, error) {
		return spec.LoadBytes("doc.yaml", []byte(doc))
	}

	It("loads a 3.0 document's x-webhooks, resolving $refs and nullable", func() {
		s, err := spec.LoadFile(filepath.Join("testdata", "petstore-3.0.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.EventNames()).To(Equal([]string{"petAdopted"}))
		e, _ := s.Event("petAdopted")
		Expect(e.Type).To(Equal("pet.adopted"))
		Expect(e.Examples).To(HaveLen(1))
		Expect(e.ValidateValue(e.Examples[0].Value)).To(BeEmpty())
		vs, err := s.Validate(e, []byte(`{"type":"pet.adopted","pet":{"id":1,"name":null,"tag":"x"}}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(vs).To(BeEmpty(), "nullable: true admits null")
		vs, _ = s.Validate(e, []byte(`{"type":"pet.adopted","pet":{"id":0,"name":"rex","tag":null}}`))
		Expect(pointers(vs)).To(ConsistOf("/pet/id", "/pet/tag"), "exclusiveMinimum: true and a non-nullable tag")
	})

	It("keeps OpenAPI 3.0.3's reading of nullable enums: null must be listed", func() {
		s, err := spec.LoadFile(filepath.Join("testdata", "petstore-3.0.yaml"))
		Expect(err).NotTo(HaveOccurred())
		e, _ := s.Event("petAdopted")
		vs, _ := s.Validate(e, []byte(`{"type":"pet.adopted","pet":{"id":1,"name":"rex","status":null}}`))
		Expect(pointers(vs)).To(ConsistOf("/pet/status"))
	})

	DescribeTable("fails loudly, naming the place",
		func(doc string, msg ...string) {
			_, err := load(doc)
			Expect(err).To(HaveOccurred())
			for _, m := range msg {
				Expect(err.Error()).To(ContainSubstring(m))
			}
		},
		Entry("an external $ref", webhookDoc("$ref: 'other.yaml#/Pet'"),
			"points outside the document", "doc.yaml:9"),
		Entry("a dangling $ref", webhookDoc("$ref: '#/components/schemas/Nope'"),
			"points at nothing"),
		Entry("a pattern Go cannot compile", webhookDoc("type: string\npattern: '(?<=a)b'"),
			"schema does not compile", "doc.yaml:11", "/schema/pattern", "not valid regex"),
		Entry("not OpenAPI at all", "foo: bar\n", "no `openapi` field"),
		Entry("Swagger 2.0", "swagger: '2.0'\nopenapi: '2.0'\n", "OpenAPI 2.0 is not supported"),
		Entry("x-webhooks in a 3.1 document", "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nx-webhooks: {}\n", "not `x-webhooks`"),
		Entry("a webhook without operations", "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks:\n  e: {summary: s}\n", `webhook "e" declares no operation`, "doc.yaml:4"),
		Entry("broken YAML", "openapi: 3.1.0\ninfo: [\n", "doc.yaml:3:1:", "did not find expected node content"),
		Entry("duplicate keys", "openapi: 3.1.0\nopenapi: 3.1.0\n", "doc.yaml:2:1: duplicate key"),
		Entry("malformed JSON", "{\"openapi\": \"3.1.0\",}", "doc.yaml: line 1, column 21"),
	)

	// Lenient by default (see lenient_test.go); StrictLoad keeps these.
	DescribeTable("under StrictLoad, fails loudly on keywords JSON Schema 2020-12 does not define",
		func(doc string, msg ...string) {
			_, err := spec.LoadBytes("doc.yaml", []byte(doc), spec.StrictLoad())
			Expect(err).To(HaveOccurred())
			for _, m := range msg {
				Expect(err.Error()).To(ContainSubstring(m))
			}
			_, err = load(doc)
			Expect(err).NotTo(HaveOccurred(), "lenient by default")
		},
		Entry("an unsupported schema keyword", webhookDoc("type: object\npropertiez: {a: {type: string}}"),
			`unsupported schema keyword "propertiez"`, "doc.yaml:11", "/webhooks/e/post/requestBody/content/application~1json/schema/propertiez"),
		Entry("nullable in a 3.1 document", webhookDoc("type: string\nnullable: true"),
			`"nullable" is OpenAPI 3.0 only`, "doc.yaml:11"),
		Entry("a boolean exclusiveMinimum in 3.1", webhookDoc("type: integer\nminimum: 1\nexclusiveMinimum: true"),
			`boolean "exclusiveMinimum"`),
	)

	It("defers compiling validators when asked, and still validates on first use", func() {
		data, err := os.ReadFile(filepath.Join("testdata", "petstore-3.0.yaml"))
		Expect(err).NotTo(HaveOccurred())
		s, err := spec.LoadBytes("petstore", data, spec.DeferCompile())
		Expect(err).NotTo(HaveOccurred())
		e, _ := s.Event("petAdopted")
		vs, err := s.Validate(e, []byte(`{"type":"pet.adopted"}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(pointers(vs)).To(ConsistOf("/pet"))
	})
})

// webhookDoc is a 3.1 document whose one webhook has the given body schema
// (indented to sit under `schema:`; its first line is line 10).
func webhookDoc(schema string) string {
	return "openapi: 3.1.0\n" +
		"info: {title: t, version: '1.0.0'}\n" +
		"webhooks:\n" +
		"  e:\n" +
		"    post:\n" +
		"      requestBody:\n" +
		"        content:\n" +
		"          application/json:\n" +
		"            schema:\n" +
		"              " + strings.ReplaceAll(schema, "\n", "\n              ") + "\n" +
		"      responses:\n" +
		"        '200': {description: ok}\n"
}

var _ = Describe("a spec loaded with DeferCompile", func() {
	It("compiles once, safely, when many goroutines validate at once", func() {
		data, err := os.ReadFile(filepath.Join("testdata", "petstore-3.0.yaml"))
		Expect(err).NotTo(HaveOccurred())
		s, err := spec.LoadBytes("petstore", data, spec.DeferCompile())
		Expect(err).NotTo(HaveOccurred())
		e, _ := s.Event("petAdopted")
		done := make(chan []spec.Violation, 8)
		for range 8 {
			go func() {
				vs, _ := s.Validate(e, []byte(`{"type":"pet.adopted","pet":{"id":1,"name":"rex"}}`))
				done <- vs
			}()
		}
		for range 8 {
			Expect(<-done).To(BeEmpty())
		}
	})
})
