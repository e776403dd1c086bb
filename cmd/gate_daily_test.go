package cmd

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// Contract 1.2.0 adds Daily's other 26 event types: the gate calls
// 1.1.0 → 1.2.0 a minor change, with no breaking finding and no envelope
// version of the seven 1.1.0 events needing a bump.
func TestGateDaily120IsMinor(t *testing.T) {
	code, out, errOut := runGate(t, "embedded:daily/calltransfer-1.1.0.yaml", "embedded:daily/daily.yaml")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"hookmock gate PASS: Daily webhooks 1.1.0 → 1.2.0",
		"0 breaking, 26 non-breaking",
		"info.version needs a minor bump",
		"ok         info.version: 1.1.0 → 1.2.0 (minor) covers the changes (minor needed)",
		"verdict: PASS",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q\n%s", want, out)
		}
	}
	if n := strings.Count(out, "event-added"); n != 26 {
		t.Errorf("%d events added, want 26", n)
	}
}

func TestGenDocumentedForms(t *testing.T) {
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"gen", "recording.error", "--seed", "1", "--documented-forms"}, &out, &errb)
	if code != ExitOK || !strings.Contains(out.String(), `"action":"clourd-recording-err"`) || strings.Contains(out.String(), `"timestamp":"`) {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	out.Reset()
	code = Run(context.Background(), []string{"gen", "recording.error", "--seed", "1"}, &out, &errb)
	if code != ExitOK || !strings.Contains(out.String(), `"action":"cloud-recording-error"`) || !strings.Contains(out.String(), `"timestamp":"`) {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
}
