package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.uber.org/goleak"

	"github.com/hookmock/hookmock/spec"
)

func TestMockserver(t *testing.T) {
	RegisterFailHandler(Fail)
	// Waits end as soon as their condition holds; the generous ceiling is
	// for CI under -race on two busy cores, not for the common case.
	SetDefaultEventuallyTimeout(15 * time.Second)
	RunSpecs(t, "mockserver")
}

// baseline is the set of goroutines before any server starts.
var baseline goleak.Option

var _ = BeforeSuite(func() { baseline = goleak.IgnoreCurrent() })

var _ = AfterSuite(func() {
	// Every server the specs started has been closed: none of its workers,
	// retry timers or connections may linger.
	http.DefaultClient.CloseIdleConnections()
	Expect(goleak.Find(baseline)).To(Succeed())
})

// received is one request a test consumer got.
type received struct {
	Header http.Header
	Body   []byte
	At     time.Time
}

// consumer is a real HTTP endpoint on loopback whose answers a test scripts.
type consumer struct {
	*httptest.Server
	mu     sync.Mutex
	got    []received
	answer func(n int, r *http.Request, body []byte) int // status to answer the n-th (0-based) event, probes excluded
	events int
}

func newConsumer(answer func(n int, r *http.Request, body []byte) int) *consumer {
	c := &consumer{answer: answer}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.got = append(c.got, received{Header: r.Header.Clone(), Body: body, At: time.Now()})
		n := -1
		if !bytes.Equal(body, []byte(`{"test":"test"}`)) {
			n = c.events
			c.events++
		}
		answer := c.answer
		c.mu.Unlock()
		status := http.StatusOK
		if answer != nil && n >= 0 {
			status = answer(n, r, body)
		}
		w.WriteHeader(status)
	}))
	return c
}

func (c *consumer) requests() []received {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]received(nil), c.got...)
}

// api calls the mock's management or control API.
func api(method, url, token string, body any) (int, map[string]any, []byte) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewReader([]byte(b))
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		Expect(err).NotTo(HaveOccurred())
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, url, rd)
	Expect(err).NotTo(HaveOccurred())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m, raw
}

// validateWebhook checks a webhook object against the contract's schema.
func validateWebhook(raw []byte) []spec.Violation {
	daily, err := spec.Default()
	Expect(err).NotTo(HaveOccurred())
	v, err := daily.SchemaValidator("/components/schemas/Webhook")
	Expect(err).NotTo(HaveOccurred())
	val, err := spec.DecodeJSON(raw)
	Expect(err).NotTo(HaveOccurred())
	return v.Validate(val)
}
