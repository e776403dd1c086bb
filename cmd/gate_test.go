package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	daily100 = "embedded:daily/calltransfer.yaml"
	daily110 = "../spec/daily/calltransfer-1.1.0.yaml"
)

func runGate(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), append([]string{"gate"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestGateDaily110Passes(t *testing.T) {
	code, out, errOut := runGate(t, daily100, daily110)
	if code != ExitOK || !strings.Contains(out, "verdict: PASS") || !strings.Contains(out, "info.version needs a minor bump") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestGateBrokenContractFails(t *testing.T) {
	data, err := os.ReadFile(daily110)
	if err != nil {
		t.Fatal(err)
	}
	// Make completeStatus an integer: a type change under a minor bump.
	broken := strings.Replace(string(data), "    CalltransferCompleteStatus:\n      type: string\n", "    CalltransferCompleteStatus:\n      type: integer\n", 1)
	broken = strings.Replace(broken, "minLength: 1\n      description: |\n        \"How the transfer ended", "description: |\n        \"How the transfer ended", 1)
	broken = strings.Replace(broken, "examples: [completed, failed, busy, no-answer, canceled]", "examples: [0]", 1)
	broken = strings.Replace(broken, `"completeStatus": "completed"`, `"completeStatus": 0`, 1)
	if broken == string(data) {
		t.Fatal("the edit did not apply")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "calltransfer-1.1.0.yaml")
	if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	// 1.0.0 → broken 1.1.0 is additive only (the property is new), so
	// compare 1.1.0 → broken, bumped to 1.2.0.
	broken120 := strings.Replace(broken, "  version: 1.1.0\n", "  version: 1.2.0\n", 1)
	path120 := filepath.Join(dir, "calltransfer-1.2.0.yaml")
	if err := os.WriteFile(path120, []byte(broken120), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report.json")
	code, stdout, stderr := runGate(t, "--format", "json", "--out", out, daily110, path120)
	if code != ExitFailed || stdout != "" || !strings.Contains(stderr, "info.version: 1.1.0 → 1.2.0 is a minor bump; the changes need major") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	var rep struct {
		Verdict struct {
			Pass bool `json:"pass"`
		} `json:"verdict"`
		Findings []struct {
			Rule       string `json:"rule"`
			Level      string `json:"level"`
			Event      string `json:"event"`
			OldPointer string `json:"oldPointer"`
			NewPointer string `json:"newPointer"`
		} `json:"findings"`
	}
	data, err = os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range rep.Findings {
		if f.Rule == "type-changed" && f.Level == "breaking" && f.Event == "calltransfer.completed" &&
			f.OldPointer == "/components/schemas/CalltransferCompleteStatus/type" {
			found = true
		}
	}
	if rep.Verdict.Pass || !found {
		t.Errorf("report: %s", data)
	}
}

func TestGateUsageErrors(t *testing.T) {
	dir := t.TempDir()
	badPolicy := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(badPolicy, []byte("rules:\n  no-such-rule: minor\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{daily100}, "gate needs two contracts"},
		{[]string{daily100, filepath.Join(dir, "missing.yaml")}, "new contract:"},
		{[]string{"--format", "xml", daily100, daily110}, `--format "xml"`},
		{[]string{"--policy", badPolicy, daily100, daily110}, `policy.yaml:2:3: unknown rule "no-such-rule"`},
		{[]string{"--consumers", dir, daily100, daily110}, `policy.yaml:1:1: unknown key "rules"`},
		{[]string{"--consumers", t.TempDir(), daily100, daily110}, "no consumer contracts"},
		{[]string{"git:no-such-ref-xyz:spec/daily/calltransfer.yaml", daily110}, "git show no-such-ref-xyz:"},
	} {
		code, _, stderr := runGate(t, c.args...)
		if code != ExitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}

func TestGateMarkdownAndJUnitFormats(t *testing.T) {
	for format, want := range map[string]string{
		"markdown": "## ✅ hookmock gate PASS",
		"junit":    `<testsuite name="hookmock gate 1.0.0 → 1.1.0"`,
	} {
		code, out, _ := runGate(t, "--format", format, daily100, daily110)
		if code != ExitOK || !strings.Contains(out, want) {
			t.Errorf("%s: exit %d, output lacks %q:\n%s", format, code, want, out)
		}
	}
}
