package gate_test

import (
	"strings"
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

// mini wraps component schemas into a contract with one event "e" whose
// body is #/components/schemas/Body and whose 200 response is
// #/components/schemas/Answer.
func mini(version, schemas string) string {
	return `openapi: 3.1.0
info: {title: mini, version: ` + version + `}
webhooks:
  e:
    post:
      parameters:
        - {name: X-Signature, in: header, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Body'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Answer'}
components:
  schemas:
` + schemas
}

func compareMini(t *testing.T, oldSchemas, newSchemas string) *gate.Report {
	t.Helper()
	return gate.Compare(load(t, "old.yaml", mini("1.0.0", oldSchemas)), load(t, "new.yaml", mini("2.0.0", newSchemas)), gate.Policy{})
}

// summary renders findings as "rule level part path" lines.
func summary(rep *gate.Report) string {
	var b strings.Builder
	for _, f := range rep.Findings {
		b.WriteString(f.Rule + " " + f.Level.String() + " " + f.Subject() + " " + strings.Join(f.Paths, ",") + "\n")
	}
	return b.String()
}

const answer = `    Answer:
      type: object
      required: [ok]
      properties:
        ok: {type: boolean}
        mode: {type: string, enum: [sync, async]}
`

func TestResponsesGetTheMirrorRules(t *testing.T) {
	body := "    Body: {type: object}\n"
	newAnswer := `    Answer:
      type: object
      required: [ok, id]
      properties:
        ok: {type: boolean}
        id: {type: string}
        mode: {type: string, enum: [sync]}
`
	rep := compareMini(t, body+answer, body+newAnswer)
	want := "required-property-added breaking response 200 /id\n" +
		"enum-value-removed breaking response 200 /mode\n"
	if got := summary(rep); got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	for _, f := range rep.Findings {
		if f.Direction != spec.ConsumerToProvider || f.PartName != "200" {
			t.Errorf("%s: direction %s, part %q", f.Rule, f.Direction, f.PartName)
		}
	}
	// The same edits loosening the answer are harmless to the provider.
	rep = compareMini(t, body+newAnswer, body+answer)
	for _, f := range rep.Findings {
		if f.Level == gate.Breaking {
			t.Errorf("reverse: %s is breaking", f.Rule)
		}
	}
}

func TestRecursiveSchemasTerminateAndReportEveryEntry(t *testing.T) {
	// Node and Tree refer to each other; the body enters the cycle at
	// Tree and the response at Node, so the memo must not hide Node's
	// change from either.
	schemas := func(nodeType string) string {
		return `    Body:
      type: object
      properties:
        tree: {$ref: '#/components/schemas/Tree'}
    Answer:
      type: object
      properties:
        node: {$ref: '#/components/schemas/Node'}
    Tree:
      type: object
      properties:
        root: {$ref: '#/components/schemas/Node'}
    Node:
      type: object
      properties:
        value: {type: ` + nodeType + `}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        tree: {$ref: '#/components/schemas/Tree'}
`
	}
	rep := compareMini(t, schemas("integer"), schemas("string"))
	got := summary(rep)
	want := "type-changed breaking body /tree/root/value\n" +
		"type-changed breaking response 200 /node/value\n"
	if got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
}

func TestAllOfAndRefSiblingsAreMerged(t *testing.T) {
	old := `    Base:
      type: object
      properties:
        id: {type: string}
    Body:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            name: {type: string, maxLength: 5}
` + answer
	// The same message shape written differently: no findings, except the
	// $ref sibling loosening maxLength over its target.
	nw := `    Name: {type: string, maxLength: 5}
    Body:
      type: object
      properties:
        id: {type: string}
        name: {$ref: '#/components/schemas/Name', maxLength: 9}
` + answer
	rep := compareMini(t, old, nw)
	if got, want := summary(rep), "constraint-loosened breaking body /name\n"; got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	if f := rep.Findings[0]; f.NewPointer != "/components/schemas/Body/properties/name/maxLength" ||
		f.OldPointer != "/components/schemas/Body/allOf/1/properties/name/maxLength" {
		t.Errorf("pointers %s → %s", f.OldPointer, f.NewPointer)
	}
}

func TestNullableViaOneOfIsOneWidening(t *testing.T) {
	old := `    Money: {type: object, properties: {amount: {type: integer}}}
    Body:
      type: object
      properties:
        price: {$ref: '#/components/schemas/Money'}
` + answer
	nw := `    Money: {type: object, properties: {amount: {type: integer}}}
    Body:
      type: object
      properties:
        price:
          oneOf:
            - $ref: '#/components/schemas/Money'
            - type: 'null'
` + answer
	rep := compareMini(t, old, nw)
	if got, want := summary(rep), "type-widened breaking body /price\n"; got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	// And back: a narrowing, with the branch's shape still compared.
	rep = compareMini(t, nw, strings.Replace(old, "amount: {type: integer}", "amount: {type: number}", 1))
	if got, want := summary(rep), "type-narrowed non-breaking body /price\ntype-widened breaking body /price/amount\n"; got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
}

func TestHeadersAreJudgedLikeProperties(t *testing.T) {
	body := "    Body: {type: object}\n" + answer
	old := load(t, "old.yaml", mini("1.0.0", body))
	nw := load(t, "new.yaml", strings.Replace(mini("2.0.0", body), "{name: X-Signature, in: header, required: true, schema: {type: string}}",
		"{name: X-Timestamp, in: header, required: true, schema: {type: string}}", 1))
	rep := gate.Compare(old, nw, gate.Policy{})
	want := "property-removed breaking header x-signature /x-signature\nrequired-property-added non-breaking header x-timestamp /x-timestamp\n"
	if got := summary(rep); got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
}

func TestOpenAPI30NullableEqualsTypeArray(t *testing.T) {
	old := load(t, "old.yaml", `openapi: 3.0.3
info: {title: t, version: 1.0.0}
paths: {}
x-webhooks:
  e:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                note: {type: string, nullable: true, maxLength: 9}
                n: {type: number, minimum: 0, exclusiveMinimum: true}
`)
	nw := load(t, "new.yaml", `openapi: 3.1.0
info: {title: t, version: 1.0.0}
webhooks:
  e:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                note: {type: [string, 'null'], maxLength: 9}
                n: {type: number, exclusiveMinimum: 0}
`)
	rep := gate.Compare(old, nw, gate.Policy{})
	for _, f := range rep.Findings {
		if f.Part == gate.PartBody {
			t.Errorf("unexpected %s %s", f.Rule, f.Message)
		}
	}
}

func TestRenamedWebhookKeyMatchesByType(t *testing.T) {
	doc := func(key string) string {
		return `openapi: 3.1.0
info: {title: t, version: 1.0.0}
webhooks:
  ` + key + `:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {type: {const: thing.done}}}
`
	}
	rep := gate.Compare(load(t, "old.yaml", doc("thing-done")), load(t, "new.yaml", doc("thingDone")), gate.Policy{})
	if len(rep.Findings) != 0 {
		t.Errorf("renamed key: %s", summary(rep))
	}
}
