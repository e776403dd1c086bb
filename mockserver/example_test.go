package mockserver_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
)

// Example is the README's Go snippet: a consumer that fails, an
// exponential webhook, one event, and Drain to run Daily's retries to the
// end on the virtual clock.
func Example() {
	ctx := context.Background()
	// Your consumer; this one is down, so Daily retries.
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength == int64(len(`{"test":"test"}`)) {
			return // the verification probe gets its 200
		}
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer consumer.Close()

	srv, err := mockserver.New(mockserver.Options{Clock: clock.NewVirtual(time.Now())})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	hook, err := srv.CreateWebhook(ctx, mockserver.WebhookInput{URL: consumer.URL, RetryType: mockserver.RetryExponential})
	if err != nil {
		panic(err)
	}
	_ = hook.HMAC // the secret your consumer verifies signatures with
	if _, err := srv.Trigger(ctx, "calltransfer.triggered", mockserver.WithSet("payload.room=sales")); err != nil {
		panic(err)
	}
	took, err := srv.Drain(ctx) // every retry, at its own virtual time
	if err != nil {
		panic(err)
	}
	d := srv.Deliveries()[0]
	fmt.Println(d.Status, len(d.Attempts), "attempts in", took)
	// Output: dropped 6 attempts in 30m0s
}

// TestREADMESnippetIsExample keeps the README's Go snippet and Example
// the same code: every statement of the snippet is in Example.
func TestREADMESnippetIsExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "In Go tests the same server runs in-process:\n\n```go\n")
	snippet, _, closed := strings.Cut(rest, "```")
	if !ok || !closed {
		t.Fatal("README.md: no Go snippet after \"In Go tests the same server runs in-process:\"")
	}
	n := 0
	for line := range strings.Lines(snippet) {
		code, _, _ := strings.Cut(line, "//")
		if code = strings.TrimSpace(code); code == "" {
			continue
		}
		n++
		if !strings.Contains(string(src), code) {
			t.Errorf("README.md's snippet has %q, which Example in mockserver/example_test.go does not", code)
		}
	}
	if n < 5 {
		t.Errorf("the README snippet has only %d statements", n)
	}
}
