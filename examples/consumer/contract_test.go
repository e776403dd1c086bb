package main

import (
	"context"
	"net/http/httptest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/hookmock/hookmock/contracts"
	"github.com/hookmock/hookmock/contracts/contractstest"
)

// loadContract reads consumer.yaml, this consumer's contract, with the
// secret it registers with (the file reads it from the environment).
func loadContract() *contracts.Contract {
	c, err := contracts.LoadContract("consumer.yaml")
	Expect(err).NotTo(HaveOccurred())
	c.Signing.Secret = secret
	return c
}

// pointAt aims the contract at a consumer started by the suite.
func pointAt(c *contracts.Contract, srv *httptest.Server) *contracts.Contract {
	c.Endpoint = srv.URL + "/webhooks/daily"
	c.Clauses.DuplicateSafe.IdempotencyProbe.URL = srv.URL + "/debug/processed?id={id}"
	return c
}

var _ = Describe("the consumer contract", func() {
	It("is kept: contracts.Verify passes every clause", func(ctx context.Context) {
		_, srv := startConsumer(Config{})
		report := contracts.Verify(ctx, pointAt(loadContract(), srv))
		Expect(report).To(contracts.Pass())
	}, NodeTimeout(30*time.Second))
})

// The same verification, one spec per clause. The function runs in the
// container's BeforeAll, so the consumer it starts lives for its specs.
var _ = contractstest.DescribeContract("consumer.yaml, clause by clause", func() *contracts.Contract {
	_, srv := startConsumer(Config{})
	return pointAt(loadContract(), srv)
})
