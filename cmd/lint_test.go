package cmd_test

import (
	"strings"
	"testing"

	"github.com/hookmock/hookmock/cmd"
)

func TestLint(t *testing.T) {
	if code, out, errs := run(t, "", "lint"); code != cmd.ExitOK || out != "" || !strings.Contains(errs, "no problems") {
		t.Errorf("embedded contract: exit %d\n%s%s", code, out, errs)
	}
	for _, c := range []string{"embedded:daily/calltransfer.yaml", "embedded:daily/calltransfer-1.1.0.yaml"} {
		if code, out, errs := run(t, "", "lint", "--spec", c); code != cmd.ExitOK {
			t.Errorf("%s: exit %d\n%s%s", c, code, out, errs)
		}
	}
	code, out, errs := run(t, "", "lint", "--spec", "../spec/testdata/lint-bad.yaml")
	if code != cmd.ExitFailed || !strings.Contains(errs, "5 problems") {
		t.Fatalf("bad spec: exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{
		"../spec/testdata/lint-bad.yaml:21 (/components/schemas/Thing/nullable): keyword \"nullable\" is OpenAPI 3.0 only",
		"../spec/testdata/lint-bad.yaml:4 (/info): value of version must be a non-empty string [openapi]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if code, _, errs := run(t, "", "lint", "--spec", "no-such.yaml"); code != cmd.ExitUsage || !strings.Contains(errs, "no-such.yaml") {
		t.Errorf("missing file: exit %d: %s", code, errs)
	}
}

func TestValidateLint(t *testing.T) {
	if code, out, errs := run(t, okEvent, "validate", "--lint"); code != cmd.ExitOK || !strings.Contains(errs, "contract: 0 problems") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	lax := writeFile(t, "lax.yaml", "openapi: 3.1.0\ninfo:\n  title: t\nwebhooks:\n  e:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object}\n      responses:\n        '200': {description: ok}\n")
	code, _, errs := run(t, `{"a":1}`, "validate", "--lint", "--spec", lax, "--event", "e")
	if code != cmd.ExitFailed || !strings.Contains(errs, "lax.yaml:2 (/info): value of version must be a non-empty string") || !strings.Contains(errs, "1 events, 0 invalid") {
		t.Errorf("a contract finding: exit %d\n%s", code, errs)
	}
}
