package mockserver_test

import (
	"net"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/mockserver/wire"
)

var _ = Describe("the outbound policy", func() {
	It("refuses webhooks to link-local and metadata addresses with a 400 naming the policy, and stores nothing", func() {
		srv, err := mockserver.New(mockserver.Options{})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		for _, u := range []string{"http://169.254.169.254/latest/meta-data/", "http://[fe80::1]:8080/", "http://metadata.google.internal/"} {
			status, m, raw := api("POST", srv.URL+"/v1/webhooks", token, map[string]any{"url": u})
			Expect(status).To(Equal(http.StatusBadRequest), string(raw))
			Expect(m["info"]).To(HavePrefix("url: outbound policy"))
		}
		Expect(srv.Webhooks()).To(BeEmpty())
	})

	It("lets a setting allow what the default refuses", func() {
		p, err := wire.ParsePolicy(nil, []string{"127.0.0.0/8"})
		Expect(err).NotTo(HaveOccurred())
		srv, err := mockserver.New(mockserver.Options{Outbound: p})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		c := newConsumer(nil)
		defer c.Close()
		status, m, raw := api("POST", srv.URL+"/v1/webhooks", token, map[string]any{"url": c.URL})
		Expect(status).To(Equal(http.StatusBadRequest), string(raw))
		Expect(m["info"]).To(ContainSubstring("outbound.deny"))
	})

	It("says what failed in its own words, not which port refused", func() {
		srv, err := mockserver.New(mockserver.Options{})
		Expect(err).NotTo(HaveOccurred())
		defer srv.Close()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		closed := ln.Addr().String()
		ln.Close()
		status, m, raw := api("POST", srv.URL+"/v1/webhooks", token, map[string]any{"url": "http://" + closed + "/hook"})
		Expect(status).To(Equal(http.StatusBadRequest), string(raw))
		info := m["info"].(string)
		Expect(info).To(ContainSubstring("could not connect"))
		Expect(strings.ToLower(info)).NotTo(ContainSubstring("refused"))
		Expect(info).NotTo(ContainSubstring("dial"))
	})
})
