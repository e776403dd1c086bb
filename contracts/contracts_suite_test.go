package contracts_test

import (
	"net/http"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"go.uber.org/goleak"
)

func TestContracts(t *testing.T) {
	RegisterFailHandler(Fail)
	// Waits end as soon as their condition holds; the generous ceiling is
	// for CI under -race on two busy cores, not for the common case.
	SetDefaultEventuallyTimeout(15 * time.Second)
	RunSpecs(t, "contracts")
}

// baseline is the set of goroutines before any consumer or verification.
var baseline goleak.Option

var _ = BeforeSuite(func() { baseline = goleak.IgnoreCurrent() })

var _ = AfterSuite(func() {
	// Every verification closed its connections, every fixture consumer
	// was closed, and no hanging request outlived its timeout.
	http.DefaultClient.CloseIdleConnections()
	Eventually(func() error { return goleak.Find(baseline) }).WithTimeout(5 * time.Second).Should(Succeed())
})
