package mockserver_test

import (
	"bytes"
	"context"
	"encoding/pem"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/mockserver"
)

var _ = Describe("trust for https consumers", func() {
	var tlsConsumer *httptest.Server
	BeforeEach(func() {
		tlsConsumer = httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		DeferCleanup(tlsConsumer.Close)
	})
	create := func(opts mockserver.Options) (int, string, *mockserver.Server) {
		srv, err := mockserver.New(opts)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
		status, _, raw := api("POST", srv.URL+"/v1/webhooks", token, map[string]any{"url": tlsConsumer.URL})
		return status, string(raw), srv
	}

	It("refuses a self-signed consumer by default, saying where to add trust", func() {
		status, raw, _ := create(mockserver.Options{})
		Expect(status).To(Equal(http.StatusBadRequest))
		Expect(raw).To(ContainSubstring("delivery.caFile"))
	})

	It("trusts the certificates in CAFile, and delivers", func() {
		path := filepath.Join(GinkgoT().TempDir(), "ca.pem")
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsConsumer.Certificate().Raw})
		Expect(os.WriteFile(path, pemBytes, 0o600)).To(Succeed())
		status, raw, srv := create(mockserver.Options{CAFile: path})
		Expect(status).To(Equal(http.StatusOK), raw)
		_, err := srv.Trigger(context.Background(), "calltransfer.triggered")
		Expect(err).NotTo(HaveOccurred())
		settle(srv)
		Expect(srv.Deliveries()[0].Status).To(Equal(mockserver.StatusDelivered))
	})

	It("skips verification only when told, and says so once in the log", func() {
		var logs bytes.Buffer
		status, raw, _ := create(mockserver.Options{InsecureSkipVerify: true, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		Expect(status).To(Equal(http.StatusOK), raw)
		Expect(strings.Count(logs.String(), "insecureSkipVerify")).To(Equal(1))
	})

	It("fails to start on a CA file without certificates", func() {
		path := filepath.Join(GinkgoT().TempDir(), "empty.pem")
		Expect(os.WriteFile(path, []byte("not pem"), 0o600)).To(Succeed())
		_, err := mockserver.New(mockserver.Options{CAFile: path})
		Expect(err).To(MatchError(ContainSubstring("delivery.caFile")))
	})
})
