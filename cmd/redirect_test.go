package cmd_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hookmock/hookmock/cmd"
)

// redirectingConsumer answers 302 to a landing page that answers 200: a
// sender that follows it would report the landing page as the consumer's.
func redirectingConsumer(t *testing.T) (url string, landed *atomic.Int64) {
	landed = new(atomic.Int64)
	mux := http.NewServeMux()
	mux.HandleFunc("/hook", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		http.Redirect(w, r, "/landing", http.StatusFound)
	})
	mux.HandleFunc("/landing", func(w http.ResponseWriter, _ *http.Request) {
		landed.Add(1)
		io.WriteString(w, "landing page")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/hook", landed
}

func TestTriggerARedirectIsNotASuccess(t *testing.T) {
	url, landed := redirectingConsumer(t)
	code, out, errs := run(t, "", "trigger", "calltransfer.initiated", "--to", url, "--seed", "1")
	if code != cmd.ExitFailed {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "302 Found") || !strings.Contains(out, "a redirect is not a success") || strings.Contains(out, "landing page") {
		t.Errorf("stdout:\n%s", out)
	}
	if landed.Load() != 0 {
		t.Errorf("trigger followed the redirect")
	}
}

func TestScenarioRunCountsARedirectAsUnexpected(t *testing.T) {
	url, landed := redirectingConsumer(t)
	code, out, errs := run(t, "", "scenario", "run", "sip-refer", "--to", url, "--speed", "instant", "--seed", "5", "--var", "withJoin=false")
	if code != cmd.ExitFailed {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "4 events sent (4 requests), 4 unexpected answers") || !strings.Contains(out, "a redirect is not a success") {
		t.Errorf("stdout:\n%s", out)
	}
	if landed.Load() != 0 {
		t.Errorf("scenario run followed the redirect")
	}
}

func TestLoadCountsARedirectAsAnError(t *testing.T) {
	url, landed := redirectingConsumer(t)
	code, out, errs := run(t, "", "load", "--to", url, "--rate", "100", "--duration", "10s", "--max", "5", "--event", "calltransfer.completed")
	if code != cmd.ExitFailed {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "ok 0   errors 5") || !strings.Contains(out, "statuses 302×5") || !strings.Contains(out, "a redirect is not a success") {
		t.Errorf("stdout:\n%s", out)
	}
	if landed.Load() != 0 {
		t.Errorf("load followed the redirect")
	}
}
