package mockserver_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/mockserver"
)

// controlRoutes is every route of the control API, with a path that
// reaches its handler.
var controlRoutes = [][2]string{
	{"POST", "/_mock/events"}, {"GET", "/_mock/deliveries"}, {"DELETE", "/_mock/deliveries"},
	{"POST", "/_mock/clock/advance"}, {"POST", "/_mock/clock/drain"}, {"GET", "/_mock/clock"},
	{"GET", "/_mock/schedules"}, {"POST", "/_mock/schedules"}, {"DELETE", "/_mock/schedules/sch_1"},
	{"GET", "/_mock/scenarios"}, {"GET", "/_mock/scenarios/sip-refer"}, {"PUT", "/_mock/scenarios/mine"},
	{"POST", "/_mock/scenarios/sip-refer/run"}, {"GET", "/_mock/scenarios/runs"}, {"GET", "/_mock/scenarios/runs/run_1"},
	{"GET", "/_mock/action-errors"}, {"POST", "/_mock/action-errors"}, {"DELETE", "/_mock/action-errors"},
	{"GET", "/_mock/nope"},
	{"GET", "/v1/webhooks"}, {"POST", "/v1/webhooks"}, {"GET", "/v1/webhooks/x"}, {"POST", "/v1/webhooks/x"},
	{"DELETE", "/v1/webhooks/x"}, {"POST", "/v1/rooms/a/sipCallTransfer"}, {"POST", "/v1/rooms/a/sipRefer"},
}

var _ = Describe("the API key", func() {
	const key = "s3cret-key"
	var srv *mockserver.Server
	BeforeEach(func() {
		var err error
		srv, err = mockserver.New(mockserver.Options{Seed: 7, APIKey: key})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(srv.Close)
	})

	It("guards every route, /_mock/* included", func() {
		for _, r := range controlRoutes {
			for _, token := range []string{"", "wrong", key + "x"} {
				status, m, raw := api(r[0], srv.URL+r[1], token, "{}")
				Expect(status).To(Equal(http.StatusUnauthorized), "%s %s with %q: %s", r[0], r[1], token, raw)
				Expect(m["error"]).To(Equal("authentication-error"))
			}
			status, _, raw := api(r[0], srv.URL+r[1], key, "{}")
			Expect(status).NotTo(Equal(http.StatusUnauthorized), "%s %s with the key: %s", r[0], r[1], raw)
		}
	})

	It("leaves health open, without the seed or anything else, to a caller without the key", func() {
		for _, token := range []string{"", "wrong"} {
			status, m, raw := api("GET", srv.URL+"/_mock/health", token, nil)
			Expect(status).To(Equal(http.StatusOK))
			Expect(m).NotTo(HaveKey("seed"), string(raw))
			Expect(string(raw)).NotTo(ContainSubstring("7"))
			Expect(m).To(HaveKeyWithValue("ok", true))
		}
		status, m, _ := api("GET", srv.URL+"/_mock/health", key, nil)
		Expect(status).To(Equal(http.StatusOK))
		Expect(m).To(HaveKeyWithValue("seed", BeNumerically("==", 7)))
	})
})

var _ = Describe("provisioned secrets", func() {
	secretOf := func(opts mockserver.Options) string {
		srv, err := mockserver.New(opts)
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		c := newConsumer(nil)
		defer c.Close()
		return register(srv, map[string]any{"url": c.URL})["hmac"].(string)
	}

	It("come from crypto/rand, not the seed, unless seeded secrets are asked for", func() {
		Expect(secretOf(mockserver.Options{Seed: 3})).NotTo(Equal(secretOf(mockserver.Options{Seed: 3})))
		seeded := mockserver.Options{Seed: 3, SeededSecrets: true}
		Expect(secretOf(seeded)).To(Equal(secretOf(seeded)))
	})
})
