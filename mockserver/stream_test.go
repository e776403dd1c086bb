package mockserver_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
)

type sseEvent struct {
	ID    uint64
	Event string
	Entry mockserver.StreamEntry
}

// sseClient reads a text/event-stream as a browser's EventSource would.
type sseClient struct {
	resp   *http.Response
	events chan sseEvent
}

func openStream(t *testing.T, url, lastID string) *sseClient { return openStreamTB(t, url, lastID) }

func openStreamB(b *testing.B, url string) *sseClient { return openStreamTB(b, url, "") }

func openStreamTB(t testing.TB, url, lastID string) *sseClient {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	c := &sseClient{resp: resp, events: make(chan sseEvent, 100_000)}
	go func() {
		defer close(c.events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev sseEvent
		var data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if data != "" {
					_ = json.Unmarshal([]byte(data), &ev.Entry)
					c.events <- ev
				}
				ev, data = sseEvent{}, ""
			case strings.HasPrefix(line, "id: "):
				ev.ID, _ = strconv.ParseUint(line[4:], 10, 64)
			case strings.HasPrefix(line, "event: "):
				ev.Event = line[7:]
			case strings.HasPrefix(line, "data: "):
				data += line[6:]
			}
		}
	}()
	return c
}

func (c *sseClient) next(t *testing.T) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-c.events:
		if !ok {
			t.Fatal("stream ended")
		}
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no stream entry within 5 s")
	}
	return sseEvent{}
}

func (c *sseClient) close() { c.resp.Body.Close() }

func postOK(t *testing.T, url, body string) []byte {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer k")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("POST %s: %d %s", url, resp.StatusCode, b)
	}
	return b
}

// failingFirst answers the probe, then 500 to the first delivery attempt
// and 200 to the rest.
func failingFirst() (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), `"test":"test"`) {
			return
		}
		if n.Add(1) == 1 {
			w.WriteHeader(500)
		}
	})), &n
}

func TestStreamCarriesEachAttemptInOrderAndResumes(t *testing.T) {
	consumer, _ := failingFirst()
	defer consumer.Close()
	vc := clock.NewVirtual(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	srv, err := mockserver.New(mockserver.Options{Clock: vc, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	postOK(t, srv.URL+"/v1/webhooks", `{"url": "`+consumer.URL+`", "retryType": "exponential"}`)

	s := openStream(t, srv.URL+"/_mock/stream", "")
	defer s.close()
	var trig mockserver.Triggered
	json.Unmarshal(postOK(t, srv.URL+"/_mock/events", `{"type": "meeting.started", "seed": 1}`), &trig)
	id := trig.Deliveries[0]

	var last uint64
	expect := func(c *sseClient, kind mockserver.ChangeKind, check func(mockserver.StreamEntry) bool) {
		t.Helper()
		ev := c.next(t)
		if last != 0 && ev.ID != last+1 {
			t.Fatalf("entry id %d after %d", ev.ID, last)
		}
		last = ev.ID
		if ev.Event != string(kind) || ev.Entry.Kind != kind || ev.Entry.ID != ev.ID || ev.Entry.Delivery == nil || ev.Entry.Delivery.ID != id || !check(ev.Entry) {
			t.Fatalf("want %s of %s, got %s %+v (delivery %+v, attempt %+v)", kind, id, ev.Event, ev.Entry, ev.Entry.Delivery, ev.Entry.Attempt)
		}
	}
	any := func(mockserver.StreamEntry) bool { return true }
	expect(s, mockserver.ChangeCreated, func(e mockserver.StreamEntry) bool { return e.Delivery.Status == mockserver.StatusPending })
	expect(s, mockserver.ChangeUpdated, func(e mockserver.StreamEntry) bool { return e.Delivery.Sending == 1 })
	expect(s, mockserver.ChangeAttempt, func(e mockserver.StreamEntry) bool {
		return e.Attempt.N == 1 && e.Attempt.Status == 500 && e.Attempt.Outcome == "failure"
	})
	expect(s, mockserver.ChangeUpdated, func(e mockserver.StreamEntry) bool {
		return e.Delivery.Status == mockserver.StatusRetrying && e.Delivery.NextAttemptAt != nil
	})
	postOK(t, srv.URL+"/_mock/clock/advance", `{"by": "1m"}`)
	expect(s, mockserver.ChangeUpdated, func(e mockserver.StreamEntry) bool { return e.Delivery.Status == mockserver.StatusPending })
	expect(s, mockserver.ChangeUpdated, func(e mockserver.StreamEntry) bool { return e.Delivery.Sending == 2 })
	expect(s, mockserver.ChangeAttempt, func(e mockserver.StreamEntry) bool { return e.Attempt.N == 2 && e.Attempt.Status == 200 })
	expect(s, mockserver.ChangeUpdated, func(e mockserver.StreamEntry) bool { return e.Delivery.Status == mockserver.StatusDelivered })
	s.close()

	// Missed while disconnected: a reconnect with Last-Event-ID gets it,
	// from the very next id.
	json.Unmarshal(postOK(t, srv.URL+"/_mock/events", `{"type": "meeting.started", "seed": 2}`), &trig)
	id = trig.Deliveries[0]
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	r := openStream(t, srv.URL+"/_mock/stream", strconv.FormatUint(last, 10))
	defer r.close()
	expect(r, mockserver.ChangeCreated, any)
	expect(r, mockserver.ChangeUpdated, func(e mockserver.StreamEntry) bool { return e.Delivery.Sending == 1 })
	expect(r, mockserver.ChangeAttempt, func(e mockserver.StreamEntry) bool { return e.Attempt.Status == 200 })
	expect(r, mockserver.ChangeUpdated, func(e mockserver.StreamEntry) bool { return e.Delivery.Status == mockserver.StatusDelivered })
}

// A stream outlives the server's write timeout: it extends its own
// deadline before every write.
func TestStreamOutlivesWriteTimeout(t *testing.T) {
	consumer, _ := failingFirst()
	defer consumer.Close()
	srv, err := mockserver.New(mockserver.Options{Seed: 8, Server: mockserver.ServerTimeouts{Write: 300 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	postOK(t, srv.URL+"/v1/webhooks", `{"url": "`+consumer.URL+`"}`)
	s := openStream(t, srv.URL+"/_mock/stream", "")
	defer s.close()
	time.Sleep(time.Second)
	postOK(t, srv.URL+"/_mock/events", `{"type": "meeting.started", "seed": 1}`)
	if ev := s.next(t); ev.Event != string(mockserver.ChangeCreated) {
		t.Fatalf("after 1 s on a 300 ms write timeout: %+v", ev)
	}
}
