package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/internal/corpus"
	"github.com/hookmock/hookmock/spec"
)

func runGen(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func genLines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

func TestGenNDJSONValidates(t *testing.T) {
	code, out, errOut := runGen(t, "gen", "calltransfer.triggered", "-n", "3", "--seed", "42")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if errOut != "" {
		t.Errorf("a seeded run should print nothing to stderr, got %q", errOut)
	}
	s, err := spec.Default()
	if err != nil {
		t.Fatal(err)
	}
	e, _ := s.Lookup("calltransfer.triggered")
	ls := genLines(out)
	if len(ls) != 3 {
		t.Fatalf("want 3 lines, got %d:\n%s", len(ls), out)
	}
	seen := map[string]bool{}
	for _, l := range ls {
		if vs, err := s.Validate(e, []byte(l)); err != nil || len(vs) > 0 {
			t.Fatalf("invalid line %s: %v %v", l, err, vs)
		}
		seen[l] = true
	}
	if len(seen) != 3 {
		t.Errorf("the three events should differ (derived seeds)")
	}
	// Replaying a run gives the same bytes, and event i is seed+i.
	if _, again, _ := runGen(t, "gen", "calltransfer.triggered", "-n", "3", "--seed", "42"); again != out {
		t.Errorf("same seed, different output")
	}
	if _, third, _ := runGen(t, "gen", "calltransfer.triggered", "--seed", "44", "--now", "1770005097"); third != ls[2]+"\n" {
		t.Errorf("event 3 of --seed 42 should equal --seed 44 one second later:\n%s\n%s", ls[2], third)
	}
}

func TestGenRandomSeedIsPrintedAndReplays(t *testing.T) {
	code, out, errOut := runGen(t, "gen", "calltransfer.completed")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	m := regexp.MustCompile(`(?m)^seed: (\d+)$`).FindStringSubmatch(errOut)
	if m == nil {
		t.Fatalf("no seed on stderr: %q", errOut)
	}
	if _, replay, _ := runGen(t, "gen", "calltransfer.completed", "--seed", m[1]); replay != out {
		t.Errorf("--seed %s does not replay the run:\n%s\n%s", m[1], out, replay)
	}
}

func TestGenByTypeAndPretty(t *testing.T) {
	code, out, _ := runGen(t, "gen", "calltransfer.answered", "--seed", "1", "--pretty")
	if code != ExitOK || !strings.HasPrefix(out, "{\n  \"version\": \"1.0.0\",") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
}

func TestGenOverrides(t *testing.T) {
	code, out, errOut := runGen(t, "gen", "calltransfer.triggered", "--seed", "1",
		"--set", "payload.room=sales-standup", "--set", "/payload/is_sip_refer=true", "--set", `payload.timestamp="1770000000"`)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{`"room":"sales-standup"`, `"is_sip_refer":true`, `"timestamp":"1770000000"`, `1770000000","payload"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	code, _, errOut = runGen(t, "gen", "calltransfer.triggered", "--seed", "1", "--set", "payload.is_sip_refer=yes")
	if code != ExitUsage || !strings.Contains(errOut, "/payload/is_sip_refer: got string, want boolean") {
		t.Errorf("an invalidating override: exit %d, %s", code, errOut)
	}
	if code, _, errOut = runGen(t, "gen", "calltransfer.triggered", "--set", "nokey"); code != ExitUsage {
		t.Errorf("a malformed --set: exit %d, %s", code, errOut)
	}
}

func TestGenInvalid(t *testing.T) {
	s, _ := spec.Default()
	e, _ := s.Lookup("calltransfer.initiated")
	for _, kind := range []string{"missing-required", "wrong-type", "pattern", "enum", "malformed-json", ""} {
		args := []string{"gen", "calltransfer.initiated", "--seed", "3", "--invalid"}
		if kind != "" {
			args[len(args)-1] += "=" + kind
		}
		code, out, errOut := runGen(t, args...)
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", kind, code, errOut)
		}
		vs, err := s.Validate(e, []byte(strings.TrimSpace(out)))
		if err == nil && len(vs) == 0 {
			t.Errorf("--invalid=%s printed a valid event: %s", kind, out)
		}
		if kind != "" && !strings.Contains(errOut, kind+" at ") {
			t.Errorf("--invalid=%s: stderr does not describe the violation: %q", kind, errOut)
		}
	}
	if code, _, errOut := runGen(t, "gen", "calltransfer.initiated", "--invalid=bogus"); code != ExitUsage || !strings.Contains(errOut, "missing-required") {
		t.Errorf("unknown kind: exit %d, %s", code, errOut)
	}
}

func TestGenNoLocationIsAUsageError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "plain.yaml")
	doc := `openapi: 3.1.0
info: {title: plain, version: "1"}
webhooks:
  note:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {text: {type: string}}}
`
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runGen(t, "gen", "note", "--spec", path, "--invalid=enum", "--seed", "1")
	if code != ExitUsage || !strings.Contains(errOut, "no enum or const") {
		t.Errorf("exit %d, %s", code, errOut)
	}
	if code, out, _ := runGen(t, "gen", "note", "--spec", path, "--seed", "1"); code != ExitOK || !strings.HasPrefix(out, "{") {
		t.Errorf("any spec should generate: exit %d, %s", code, out)
	}
}

func TestGenUsageErrors(t *testing.T) {
	code, _, errOut := runGen(t, "gen", "calltransfer.nope")
	if code != ExitUsage || !strings.Contains(errOut, "calltransfer.answered, calltransfer.completed") {
		t.Errorf("unknown event: exit %d, %s", code, errOut)
	}
	for _, args := range [][]string{{"gen"}, {"gen", "a", "b"}, {"gen", "calltransfer.triggered", "-n", "0"}, {"gen", "calltransfer.triggered", "--now", "yesterday"}} {
		if code, _, errOut := runGen(t, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, %s", args, code, errOut)
		}
	}
}

func TestGenWallClock(t *testing.T) {
	code, _, errOut := runGen(t, "gen", "calltransfer.triggered", "--now", "now", "--seed", "1")
	if code != ExitOK || !regexp.MustCompile(`(?m)^now: \d{10}$`).MatchString(errOut) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestGenCorpusSpec(t *testing.T) {
	dir := corpus.Dir(t)
	code, out, errOut := runGen(t, "gen", "--spec", filepath.Join(dir, "svix/openapi.json"), "endpoint.created", "--seed", "1", "-n", "2")
	if code != ExitOK || len(genLines(out)) != 2 {
		t.Errorf("exit %d, %s\n%s", code, errOut, out)
	}
}

// gen validates every event, exact ones too (belt and braces).
func TestGenValidatesEveryEvent(t *testing.T) {
	s, err := spec.Default()
	if err != nil {
		t.Fatal(err)
	}
	a := &app{}
	for _, flags := range [][2]bool{{false, false}, {true, false}, {false, true}} {
		if g := generator.New(s, a.genOptions(clock.NewVirtual(generator.Epoch), flags[0], flags[1])...); !g.ValidatesAll() {
			t.Errorf("documented-forms=%v integer-timestamp=%v: gen's generator skips validating exact events", flags[0], flags[1])
		}
	}
}

func TestGenExplain(t *testing.T) {
	code, out, errOut := runGen(t, "gen", "--explain")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	s, _ := spec.Default()
	ls := genLines(out)
	if len(ls) != len(s.Events) || !strings.Contains(errOut, "33 of 33 events exact") {
		t.Errorf("%d lines for %d events; stderr %q", len(ls), len(s.Events), errOut)
	}
	if code, out, _ := runGen(t, "gen", "--explain", "calltransfer.triggered"); code != ExitOK || out != "calltransfer.triggered\texact\n" {
		t.Errorf("exit %d, %q", code, out)
	}
	fixture := filepath.Join("..", "generator", "testdata", "inexact.yaml")
	code, out, errOut = runGen(t, "gen", "--explain", "--spec", fixture, "dependent-schemas")
	if code != ExitOK || !strings.HasPrefix(out, "dependent-schemas\tnot exact\tdependentSchemas at "+fixture+":") {
		t.Errorf("exit %d, %q %s", code, out, errOut)
	}
	if code, _, _ := runGen(t, "gen", "--explain", "nope"); code != ExitUsage {
		t.Errorf("unknown event: exit %d", code)
	}
	if code, _, _ := runGen(t, "gen", "--explain", "a", "b"); code != ExitUsage {
		t.Errorf("two events: exit %d", code)
	}
}
