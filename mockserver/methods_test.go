package mockserver_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/mockserver"
)

var _ = Describe("a method the route does not serve", func() {
	var srv *mockserver.Server
	BeforeEach(func() {
		var err error
		srv, err = mockserver.New(mockserver.Options{Seed: 7})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
	})

	DescribeTable("answers 405 with Allow",
		func(method, path, allow string) {
			req, err := http.NewRequest(method, srv.URL+path, nil)
			Expect(err).NotTo(HaveOccurred())
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			Expect(err).NotTo(HaveOccurred())
			resp.Body.Close()
			Expect(resp.StatusCode).To(Equal(http.StatusMethodNotAllowed))
			Expect(resp.Header.Get("Allow")).To(Equal(allow))
		},
		Entry("PUT /v1/webhooks", http.MethodPut, "/v1/webhooks", "GET, HEAD, POST"),
		Entry("PATCH /v1/webhooks/{uuid}", http.MethodPatch, "/v1/webhooks/abc", "GET, HEAD, POST, DELETE"),
		Entry("GET /_mock/events", http.MethodGet, "/_mock/events", "POST"),
		Entry("POST /_mock/health", http.MethodPost, "/_mock/health", "GET, HEAD"),
	)

	It("still answers 404 for a path no method serves", func() {
		status, body, _ := api(http.MethodGet, srv.URL+"/v2/nothing", token, nil)
		Expect(status).To(Equal(http.StatusNotFound))
		Expect(body["info"]).To(ContainSubstring("no route"))
	})
})
