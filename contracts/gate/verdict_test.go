package gate_test

import (
	"strings"
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

// shop is a small contract with a Daily-style envelope (version, type,
// payload) for the verdict tests; each case edits a copy.
const shop = `openapi: 3.1.0
info: {title: shop, version: 1.0.0}
webhooks:
  order.created:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/OrderCreated'}
      responses:
        '200': {description: ok}
components:
  schemas:
    OrderCreated:
      type: object
      required: [version, type, payload]
      properties:
        version: {type: string, default: '1.0.0'}
        type: {const: order.created}
        payload:
          type: object
          required: [id, amount, status]
          properties:
            id: {type: string}
            amount: {type: integer}
            status: {type: string, enum: [new, paid]}
            note: {type: string, description: Free text.}
`

// edit applies old→new text replacements, failing when one does not match.
func edit(t *testing.T, doc string, pairs ...string) string {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(doc, pairs[i]) {
			t.Fatalf("edit: %q not in document", pairs[i])
		}
		doc = strings.Replace(doc, pairs[i], pairs[i+1], 1)
	}
	return doc
}

func load(t testing.TB, name, doc string) *spec.Spec {
	t.Helper()
	s, err := spec.LoadBytes(name, []byte(doc), spec.DeferCompile())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func gateShop(t *testing.T, newDoc string, p gate.Policy) *gate.Report {
	t.Helper()
	return gate.Compare(load(t, "old.yaml", shop), load(t, "new.yaml", newDoc), p)
}

func rules(rep *gate.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		out = append(out, f.Rule+":"+f.Level.String())
	}
	return out
}

func TestVerdicts(t *testing.T) {
	bump := func(info, envelope string) []string {
		return []string{"version: 1.0.0}", "version: " + info + "}", "default: '1.0.0'", "default: '" + envelope + "'"}
	}
	cases := []struct {
		name      string
		edits     []string
		pass      bool
		rules     []string
		infoState gate.CheckStatus
	}{{
		name:  "required property added, minor bump: non-breaking, passes",
		edits: append(bump("1.1.0", "1.1.0"), "required: [id, amount, status]", "required: [id, amount, status, currency]", "note:", "currency: {type: string}\n            note:"),
		pass:  true, rules: []string{"required-property-added:non-breaking"}, infoState: gate.CheckOK,
	}, {
		name: "required property removed and enum value added, minor bump: breaking without major, fails",
		edits: append(bump("1.1.0", "1.1.0"), "required: [id, amount, status]", "required: [id, status]",
			"            amount: {type: integer}\n", "", "enum: [new, paid]", "enum: [new, paid, refunded]"),
		pass: false, rules: []string{"property-removed:breaking", "enum-value-added:breaking"}, infoState: gate.CheckTooSmall,
	}, {
		name:  "integer → string, minor bump: fails",
		edits: append(bump("1.1.0", "1.1.0"), "amount: {type: integer}", "amount: {type: string}"),
		pass:  false, rules: []string{"type-changed:breaking"}, infoState: gate.CheckTooSmall,
	}, {
		name: "new event, patch bump: bump too small, fails",
		edits: append(bump("1.0.1", "1.0.0"), "components:", `  order.paid:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {type: {const: order.paid}}}
components:`),
		pass: false, rules: []string{"event-added:non-breaking"}, infoState: gate.CheckTooSmall,
	}, {
		name:  "description only, patch bump: passes",
		edits: append(bump("1.0.1", "1.0.0"), "description: Free text.", "description: Free text from the buyer."),
		pass:  true, rules: []string{"description-changed:info"}, infoState: gate.CheckOK,
	}, {
		name:  "breaking change with a major bump but the envelope version kept: fails on the event",
		edits: append(bump("2.0.0", "1.0.0"), "amount: {type: integer}", "amount: {type: string}"),
		pass:  false, rules: []string{"type-changed:breaking"}, infoState: gate.CheckOK,
	}, {
		name:  "over-bump is reported, not failed",
		edits: append(bump("2.0.0", "1.0.1"), "description: Free text.", "description: Free text from the buyer."),
		pass:  true, rules: []string{"description-changed:info"}, infoState: gate.CheckOverBump,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := gateShop(t, edit(t, shop, c.edits...), gate.Policy{})
			if got := strings.Join(rules(rep), " "); got != strings.Join(c.rules, " ") {
				t.Errorf("findings: got %s, want %s", got, strings.Join(c.rules, " "))
			}
			v := rep.Verdict()
			if v.Pass != c.pass {
				t.Errorf("pass = %v, want %v; reasons %v\n%s", v.Pass, c.pass, v.Reasons, dump(rep))
			}
			if rep.Checks[0].Status != c.infoState {
				t.Errorf("info.version check %s, want %s: %s", rep.Checks[0].Status, c.infoState, rep.Checks[0].Message)
			}
		})
	}
}

func TestEnvelopeVersionMustCoverItsEvent(t *testing.T) {
	rep := gateShop(t, edit(t, shop, "version: 1.0.0}", "version: 2.0.0}", "amount: {type: integer}", "amount: {type: string}"), gate.Policy{})
	if len(rep.Checks) != 2 {
		t.Fatalf("want info and one envelope check, got %+v", rep.Checks)
	}
	c := rep.Checks[1]
	if c.Event != "order.created" || c.Status != gate.CheckTooSmall || c.Required != gate.Major || c.Actual != gate.None ||
		c.NewPointer != "/components/schemas/OrderCreated/properties/version" {
		t.Errorf("envelope check: %+v", c)
	}
}

func TestPreOneZero(t *testing.T) {
	zero := edit(t, shop, "version: 1.0.0}", "version: 0.3.0}")
	for _, c := range []struct {
		to   string
		pass bool
		need gate.Bump
	}{{"0.4.0", true, gate.Minor}, {"0.3.1", false, gate.Minor}, {"1.0.0", true, gate.Minor}} {
		newDoc := edit(t, zero, "version: 0.3.0}", "version: "+c.to+"}", "default: '1.0.0'", "default: '2.0.0'",
			"amount: {type: integer}", "amount: {type: string}")
		rep := gate.Compare(load(t, "old.yaml", zero), load(t, "new.yaml", newDoc), gate.Policy{})
		info := rep.Checks[0]
		if v := rep.Verdict(); v.Pass != c.pass || info.Required != c.need {
			t.Errorf("0.3.0 → %s with a breaking change: pass=%v need=%s, want pass=%v need=%s (%s)", c.to, v.Pass, info.Required, c.pass, c.need, info.Message)
		}
	}
}

func TestInvalidVersions(t *testing.T) {
	for _, to := range []string{"1.0", "0.9.0"} {
		rep := gateShop(t, edit(t, shop, "version: 1.0.0}", "version: '"+to+"'}"), gate.Policy{})
		if rep.Checks[0].Status != gate.CheckInvalid || rep.Verdict().Pass {
			t.Errorf("1.0.0 → %s: %+v", to, rep.Checks[0])
		}
	}
}

func TestExtensibleEnumAndPolicy(t *testing.T) {
	added := edit(t, shop, "version: 1.0.0}", "version: 1.1.0}", "default: '1.0.0'", "default: '1.1.0'", "enum: [new, paid]", "enum: [new, paid, refunded]")
	rep := gateShop(t, added, gate.Policy{})
	if got := rules(rep); len(got) != 1 || got[0] != "enum-value-added:breaking" || rep.Verdict().Pass {
		t.Fatalf("default: %v pass=%v", got, rep.Verdict().Pass)
	}
	marked := edit(t, added, "enum: [new, paid, refunded]", "enum: [new, paid, refunded], x-extensible-enum: true")
	rep = gateShop(t, marked, gate.Policy{})
	// The marker itself appearing is an annotation change.
	if got := strings.Join(rules(rep), " "); got != "annotation-changed:info enum-value-added:non-breaking" || !rep.Verdict().Pass {
		t.Errorf("x-extensible-enum: %v pass=%v", got, rep.Verdict().Pass)
	}
	pol, err := gate.ParsePolicy("policy.yaml", []byte("rules:\n  enum-value-added: minor\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep = gateShop(t, added, pol)
	if got := rules(rep); got[0] != "enum-value-added:non-breaking" || !rep.Verdict().Pass {
		t.Errorf("policy minor: %v pass=%v", got, rep.Verdict().Pass)
	}
	pol, _ = gate.ParsePolicy("policy.yaml", []byte("rules:\n  enum-value-added: off\n"))
	if rep = gateShop(t, added, pol); len(rep.Findings) != 0 {
		t.Errorf("policy off: %v", rules(rep))
	}
	for src, wantErr := range map[string]string{
		"rules:\n  enum-value-addded: minor\n": `policy.yaml:2:3: unknown rule "enum-value-addded" (did you mean "enum-value-added"?)`,
		"rules:\n  enum-value-added: huge\n":   `policy.yaml:2:21: rule "enum-value-added": want one of`,
		"levels: {}\n":                         `policy.yaml:1:1: unknown key "levels"; valid keys: rules`,
	} {
		if _, err := gate.ParsePolicy("policy.yaml", []byte(src)); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("policy %q: error %v, want %q", src, err, wantErr)
		}
	}
}
