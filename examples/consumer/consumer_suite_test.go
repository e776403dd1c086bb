package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.uber.org/goleak"
)

func TestConsumer(t *testing.T) {
	RegisterFailHandler(Fail)
	// Waits end as soon as their condition holds; the generous ceiling is
	// for CI under -race on two busy cores, not for the common case.
	SetDefaultEventuallyTimeout(15 * time.Second)
	RunSpecs(t, "example consumer")
}

// secret is the hmac this consumer registers with, as a team would keep it
// in its secret store (base64, as Daily wants it).
const secret = "ZXhhbXBsZS1jb25zdW1lci1zZWNyZXQtMzItYnl0ZXM="

var baseline goleak.Option

var _ = BeforeSuite(func() { baseline = goleak.IgnoreCurrent() })

var _ = AfterSuite(func() {
	http.DefaultClient.CloseIdleConnections()
	Eventually(func() error { return goleak.Find(baseline) }).WithTimeout(5 * time.Second).Should(Succeed())
})

// startConsumer serves a consumer on loopback as main does, with the
// idempotency probe that hookmock verify asks; it stops after the spec.
func startConsumer(cfg Config) (*Handler, *httptest.Server) {
	if cfg.Secret == "" {
		cfg.Secret = secret
	}
	h, err := NewHandler(cfg)
	Expect(err).NotTo(HaveOccurred())
	mux := http.NewServeMux()
	mux.Handle("POST /webhooks/daily", h)
	mux.Handle("GET /debug/processed", h.ProcessedHandler())
	srv := httptest.NewServer(mux)
	DeferCleanup(srv.Close)
	return h, srv
}
