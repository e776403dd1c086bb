package cmd_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookmock/hookmock/internal/pgtest"
)

// process is a real `hookmock serve` (this test binary, re-executed).
type process struct {
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer
}

var readyLine = regexp.MustCompile(`ready on (http://\S+)`)

func startServe(t *testing.T, args ...string) *process { return startServeB(t, args...) }

func startServeB(t testing.TB, args ...string) *process {
	t.Helper()
	c := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json"}, args...)...)
	c.Env = append(os.Environ(), "HOOKMOCK_TEST_EXEC=1")
	out, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: c, logs: &bytes.Buffer{}}
	c.Stderr = &lockedBuffer{b: p.logs}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Process.Kill(); c.Wait() })
	lines := bufio.NewScanner(out)
	found := make(chan string, 1)
	go func() {
		for lines.Scan() {
			if m := readyLine.FindStringSubmatch(lines.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case p.url = <-found:
	case <-time.After(60 * time.Second):
		t.Fatalf("serve %v: no ready line after 60s; stderr:\n%s", args, p.logs)
	}
	return p
}

type lockedBuffer struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func call(t *testing.T, method, url string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		r = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, url, r)
	req.Header.Set("Authorization", "Bearer test")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

// crashConsumer fails the first attempt of every event; in hang mode it
// holds every later request open (so some are in flight at the kill),
// and in succeed mode it answers 200 to everything.
type crashConsumer struct {
	*httptest.Server
	succeed  atomic.Bool
	mu       sync.Mutex
	seen     map[string]int // event id -> requests
	hung     map[string]bool
	failed   atomic.Int64
	hangFrom int64
	release  chan struct{}
}

func newCrashConsumer(hangFrom int64) *crashConsumer {
	c := &crashConsumer{seen: map[string]int{}, hung: map[string]bool{}, hangFrom: hangFrom, release: make(chan struct{})}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev struct {
			ID   string `json:"id"`
			Test string `json:"test"`
		}
		_ = json.Unmarshal(body, &ev)
		if ev.Test != "" || c.succeed.Load() {
			w.WriteHeader(http.StatusOK)
			return
		}
		c.mu.Lock()
		c.seen[ev.ID]++
		first := c.seen[ev.ID] == 1
		c.mu.Unlock()
		if first && c.failed.Load() < c.hangFrom {
			c.failed.Add(1)
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		c.mu.Lock()
		c.hung[ev.ID] = true
		c.mu.Unlock()
		select {
		case <-c.release:
		case <-r.Context().Done():
		}
		w.WriteHeader(http.StatusOK)
	}))
	return c
}

func (c *crashConsumer) hungCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.hung)
}

type loggedDelivery struct {
	ID       string `json:"id"`
	EventID  string `json:"eventId"`
	Status   string `json:"status"`
	Sending  int    `json:"sending"`
	Attempts []struct {
		N       int    `json:"n"`
		Outcome string `json:"outcome"`
		Error   string `json:"error"`
	} `json:"attempts"`
}

func streamLog(t *testing.T, base string) []loggedDelivery {
	t.Helper()
	status, raw := call(t, "GET", base+"/_mock/deliveries?format=ndjson", nil)
	if status != http.StatusOK {
		t.Fatalf("ndjson: %d %s", status, raw)
	}
	var out []loggedDelivery
	for _, line := range bytes.Split(bytes.TrimSpace(raw), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var d loggedDelivery
		if err := json.Unmarshal(line, &d); err != nil {
			t.Fatalf("ndjson line %q: %v", line, err)
		}
		out = append(out, d)
	}
	return out
}

// TestKillNineSQLite and TestKillNinePostgres: 1,000 events on an
// exponential webhook, a consumer that fails every first attempt, kill -9
// with about half waiting to retry and some in flight; a restart on the
// same store then ends every event in exactly one terminal state.
func TestKillNineSQLite(t *testing.T) {
	killNine(t, "sqlite:"+filepath.Join(t.TempDir(), "state.db"))
}

func TestKillNinePostgres(t *testing.T) {
	killNine(t, pgtest.Shared(t).NewDatabase(t))
}

func killNine(t *testing.T, storeURL string) {
	if testing.Short() {
		t.Skip("real processes; -short skips")
	}
	const events = 1000
	cons := newCrashConsumer(events / 2)
	defer cons.Close()
	defer close(cons.release)
	cfg := filepath.Join(t.TempDir(), "hookmock.yaml")
	if err := os.WriteFile(cfg, []byte("store:\n  lease: 2s\ndelivery:\n  workers: 16\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--store", storeURL, "--clock", "virtual", "--seed", "13", "--config", cfg}
	a := startServe(t, args...)
	status, raw := call(t, "POST", a.url+"/v1/webhooks", map[string]any{"url": cons.URL + "/hook", "retryType": "exponential"})
	if status != http.StatusOK {
		t.Fatalf("create webhook: %d %s", status, raw)
	}
	if status, raw := call(t, "POST", a.url+"/_mock/schedules", map[string]any{"id": "hourly", "event": "calltransfer.triggered", "every": "1h", "unbounded": true}); status != http.StatusCreated {
		t.Fatalf("schedule: %d %s", status, raw)
	}
	if status, raw := call(t, "PUT", a.url+"/_mock/scenarios/mine", "name: mine\ndescription: kept across a crash\nsteps:\n  - event: calltransfer.triggered\n"); status != http.StatusOK {
		t.Fatalf("scenario: %d %s", status, raw)
	}
	if status, raw := call(t, "POST", a.url+"/_mock/action-errors", map[string]any{"room": "sales", "status": 404, "message": "Room is not hosting a call"}); status != http.StatusCreated {
		t.Fatalf("action error: %d %s", status, raw)
	}
	ids := map[string]bool{}
	for range events {
		status, raw := call(t, "POST", a.url+"/_mock/events", map[string]any{"type": "calltransfer.triggered"})
		if status != http.StatusOK && status != http.StatusAccepted {
			t.Fatalf("trigger: %d %s", status, raw)
		}
		var tr struct{ ID string }
		_ = json.Unmarshal(raw, &tr)
		ids[tr.ID] = true
	}
	if len(ids) != events {
		t.Fatalf("%d distinct event ids for %d events", len(ids), events)
	}
	deadline := time.Now().Add(60 * time.Second)
	for cons.failed.Load() < events/2 || cons.hungCount() < 8 {
		if time.Now().After(deadline) {
			t.Fatalf("before the kill: %d first attempts failed, %d in flight", cons.failed.Load(), cons.hungCount())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := a.cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	a.cmd.Wait()
	inFlight := map[string]bool{}
	cons.mu.Lock()
	for id := range cons.hung {
		inFlight[id] = true
	}
	cons.mu.Unlock()
	cons.succeed.Store(true)
	t.Logf("killed with %d first attempts failed (waiting to retry) and %d attempts in flight", cons.failed.Load(), len(inFlight))

	b := startServe(t, args...)
	// The dead process's leases lapse after 2s; then its work is taken
	// over, and the virtual clock runs the retries.
	var log []loggedDelivery
	deadline = time.Now().Add(3 * time.Minute)
	for {
		call(t, "POST", b.url+"/_mock/clock/advance", map[string]any{"by": "16m"})
		log = streamLog(t, b.url)
		live := 0
		for _, d := range log {
			if d.Status == "pending" || d.Status == "retrying" {
				live++
			}
		}
		if live == 0 && len(log) >= events {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the restart %d of %d deliveries still live; stderr:\n%.3000s", live, len(log), b.logs)
		}
		time.Sleep(200 * time.Millisecond)
	}
	perEvent := map[string]int{}
	interrupted := map[string]bool{}
	statuses := map[string]int{}
	for _, d := range log {
		if !ids[d.EventID] {
			continue // fired by the hourly schedule as the clock ran
		}
		perEvent[d.EventID]++
		statuses[d.Status]++
		for _, at := range d.Attempts {
			if at.Outcome == "interrupted" {
				interrupted[d.EventID] = true
			}
		}
		if d.Sending != 0 {
			t.Errorf("%s still marks attempt %d as sending", d.ID, d.Sending)
		}
	}
	for id := range ids {
		if perEvent[id] != 1 {
			t.Errorf("event %s has %d deliveries, want exactly 1", id, perEvent[id])
		}
	}
	if n := len(perEvent); n != events {
		t.Errorf("%d of the %d events are in the log", n, events)
	}
	for id := range inFlight {
		if !interrupted[id] {
			t.Errorf("event %s was in flight at the kill but no attempt of it is recorded as interrupted", id)
		}
	}
	t.Logf("after the restart: %v; %d events with an interrupted attempt", statuses, len(interrupted))
	if statuses["delivered"] != events {
		t.Errorf("statuses %v: want all %d delivered once the consumer succeeds", statuses, events)
	}
	// What was configured through the API survived the crash.
	if _, raw := call(t, "GET", b.url+"/v1/webhooks", nil); !bytes.Contains(raw, []byte(cons.URL)) {
		t.Errorf("webhook lost: %s", raw)
	}
	if _, raw := call(t, "GET", b.url+"/_mock/schedules", nil); !bytes.Contains(raw, []byte(`"hourly"`)) {
		t.Errorf("schedule lost: %s", raw)
	}
	if _, raw := call(t, "GET", b.url+"/_mock/scenarios/mine", nil); !bytes.Contains(raw, []byte("kept across a crash")) {
		t.Errorf("scenario lost: %s", raw)
	}
	if _, raw := call(t, "GET", b.url+"/_mock/action-errors", nil); !bytes.Contains(raw, []byte("sales")) {
		t.Errorf("action error lost: %s", raw)
	}
	b.cmd.Process.Signal(os.Interrupt)
	b.cmd.Wait()
}
