package cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/cmd"
	"github.com/hookmock/hookmock/internal/corpus"
)

// run executes the CLI in-process, as main does.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cmd.RunWithInput(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const okEvent = `{"version":"1.0.0","type":"calltransfer.triggered","id":"3602-call-transfer-trig-07efe77a-74e8-4e69-81b0-41ca454c06e01770005095","payload":{"domain_id":"04b89420-cf8b-4ea5-a428-02c40b0e2a59","room":"sip-test","timestamp":"1770005095","session_id":"07efe77a-74e8-4e69-81b0-41ca454c06e0","mtg_session_id":"34888835-dadc-4874-a2a8-be38da1f8296","to_endpoint":"sip:user-b@user-a.my-domain.com","from_endpoint":"sip:user-a@user-a.my-domain.com","is_sip_refer":false},"event_ts":1770005095.25}`

func TestEventsTable(t *testing.T) {
	code, out, _ := run(t, "", "events")
	if code != cmd.ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Daily webhooks 1.2.0 (OpenAPI 3.1.0, 33 events in 10 families)", "\ncalltransfer\n",
		"  calltransfer.triggered  1.0.0", "calltransfer.answered", "Emitted when remote endpoint answered the call.",
		"\nwaiting-participant\n  waiting-participant.joined  1.0.0"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	// Families come in order, each once, with its events under it.
	var fams []string
	for _, line := range strings.Split(out, "\n")[1:] {
		if line != "" && !strings.HasPrefix(line, " ") {
			fams = append(fams, line)
		}
	}
	want := []string{"batch-processor", "calltransfer", "dialin", "dialout", "meeting", "participant", "recording", "streaming", "transcript", "waiting-participant"}
	if strings.Join(fams, ",") != strings.Join(want, ",") {
		t.Errorf("family headings %v, want %v", fams, want)
	}
}

func TestEventsFamilyFilter(t *testing.T) {
	code, out, _ := run(t, "", "events", "--family", "recording")
	if code != cmd.ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"recording.started", "recording.ready-to-download", "recording.error"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "meeting.") || strings.Contains(out, "calltransfer.") || strings.Count(out, "  recording.") != 3 {
		t.Errorf("--family recording lists other events:\n%s", out)
	}
	code, out, _ = run(t, "", "events", "--family", "recording", "--json")
	var got struct {
		Events []struct{ Name, Family string } `json:"events"`
	}
	if err := json.Unmarshal([]byte(out), &got); code != cmd.ExitOK || err != nil || len(got.Events) != 3 || got.Events[0].Family != "recording" {
		t.Errorf("exit %d, %v: %s", code, err, out)
	}
	code, _, errOut := run(t, "", "events", "--family", "live-stream")
	if code != cmd.ExitUsage || !strings.Contains(errOut, `--family "live-stream": embedded:daily/daily.yaml has no such family (families: batch-processor, calltransfer,`) {
		t.Errorf("exit %d, stderr %s", code, errOut)
	}
}

func TestEventsJSON(t *testing.T) {
	code, out, _ := run(t, "", "events", "--json")
	if code != cmd.ExitOK {
		t.Fatalf("exit %d", code)
	}
	var got struct {
		Version  string   `json:"version"`
		Families []string `json:"families"`
		Events   []struct {
			Name, Family, Type, Version, Direction string
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err, out)
	}
	if got.Version != "1.2.0" || len(got.Events) != 33 || len(got.Families) != 10 {
		t.Fatalf("got %+v", got)
	}
	if e := got.Events[5]; e.Name != "calltransfer.triggered" || e.Family != "calltransfer" || e.Type != e.Name || e.Version != "1.0.0" || e.Direction != "provider-to-consumer" {
		t.Errorf("got %+v", e)
	}
}

func TestValidateInputs(t *testing.T) {
	bad := strings.Replace(okEvent, `"room":"sip-test",`, "", 1)
	bad = strings.Replace(bad, `"is_sip_refer":false`, `"is_sip_refer":"no"`, 1)
	cases := []struct {
		name, file, stdin string
		args              []string
		code              int
		stdout            []string
	}{
		{name: "one valid object", file: okEvent, code: cmd.ExitOK},
		{name: "a JSON array", file: "[" + okEvent + "," + okEvent + "]", code: cmd.ExitOK},
		{name: "NDJSON with one bad event", file: okEvent + "\n" + bad + "\n", code: cmd.ExitFailed,
			stdout: []string{"[1] (line 2) /payload/room: missing required property \"room\"", "[1] (line 2) /payload/is_sip_refer: got string, want boolean"}},
		{name: "malformed JSON says where", file: okEvent + "\n{\"type\": tru}\n", code: cmd.ExitFailed,
			stdout: []string{"[1]: malformed JSON: line 2, column 13"}},
		{name: "unknown type", file: `{"type":"calltransfer.failed"}`, code: cmd.ExitFailed,
			stdout: []string{"cannot tell which event"}},
		{name: "--event names it", file: `{"type":"x"}`, args: []string{"--event", "calltransfer.completed"}, code: cmd.ExitFailed,
			stdout: []string{"/type: value must be 'calltransfer.completed'"}},
		{name: "strict reports undeclared fields", file: strings.Replace(okEvent, `"event_ts"`, `"extra":1,"event_ts"`, 1), args: []string{"--strict"}, code: cmd.ExitFailed,
			stdout: []string{"/extra: property \"extra\" is not declared by the contract"}},
		{name: "stdin", stdin: okEvent, code: cmd.ExitOK},
		{name: "unknown --event is a usage error", file: okEvent, args: []string{"--event", "nope"}, code: cmd.ExitUsage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"validate"}, c.args...)
			if c.stdin == "" {
				args = append(args, writeFile(t, "events.json", c.file))
			}
			code, out, errOut := run(t, c.stdin, args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
			for _, w := range c.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestUsageAndLoadErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"nope"},
		{"events", "--bogus"},
		{"validate", filepath.Join(t.TempDir(), "missing.json")},
		{"events", "--spec", writeFile(t, "bad.yaml", "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks:\n  e: {summary: s}\n")},
	} {
		if code, _, errOut := run(t, "", args...); code != cmd.ExitUsage || !strings.Contains(errOut, "hookmock:") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

func TestEventsOnAnotherSpec(t *testing.T) {
	dir := corpus.Dir(t)
	code, out, _ := run(t, "", "events", "--spec", filepath.Join(dir, "svix/openapi.json"))
	if code != cmd.ExitOK || !strings.Contains(out, "EndpointCreatedEvent") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}
