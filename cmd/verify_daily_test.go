package cmd_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/hookmock/hookmock/spec"
)

// typeRecorder answers 200 and records the type of every event body of a
// Daily type (a schema-violation case may send a mangled type).
func typeRecorder(t *testing.T) (*httptest.Server, func() []string) {
	daily, err := spec.Default()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev struct{ Type string }
		if json.Unmarshal(body, &ev) != nil {
			return
		}
		if _, known := daily.EventByType(ev.Type); known {
			mu.Lock()
			seen[ev.Type] = true
			mu.Unlock()
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		var out []string
		for k := range seen {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
}

// verify --to without a contract checks every event type of the contract:
// all 33 of Daily's.
func TestVerifyWithoutAContractSendsEveryDailyType(t *testing.T) {
	srv, seen := typeRecorder(t)
	code, out, errOut := run(t, "", "verify", "--to", srv.URL, "--secret", verifySecret, "--seed", "3", "--report", "json")
	if code > 1 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	daily, err := spec.Default()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := seen(), daily.EventNames(); !slices.Equal(got, want) || len(got) != 33 {
		t.Fatalf("the consumer got %d types %v\nwant the contract's %d %v", len(got), got, len(want), want)
	}
}

// A consumer contract's events are exactly the types checked.
func TestVerifyChecksTheContractsEvents(t *testing.T) {
	srv, seen := typeRecorder(t)
	contract := writeFile(t, "consumer.yaml", `name: recordings
endpoint: `+srv.URL+`
signing: {secret: `+verifySecret+`}
events: [recording.ready-to-download, meeting.ended, transcript.error]
`)
	code, out, errOut := run(t, "", "verify", "--contract", contract, "--seed", "3", "--report", "json")
	if code > 1 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	if got := seen(); !slices.Equal(got, []string{"meeting.ended", "recording.ready-to-download", "transcript.error"}) {
		t.Fatalf("the consumer got %v", got)
	}
}
