package contracts_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hookmock/hookmock/contracts"
)

// BenchmarkVerifyDaily measures one full live verification (43 cases, 52
// requests) of the four calltransfer events against a loopback consumer
// that answers 200 at once: the verifier's own cost per run.
func BenchmarkVerifyDaily(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	defer srv.Close()
	c := &contracts.Contract{Name: "bench", Endpoint: srv.URL, Seed: 1,
		Signing: contracts.Signing{Secret: secret},
		Events:  []string{"calltransfer.triggered", "calltransfer.initiated", "calltransfer.answered", "calltransfer.completed"}}
	if err := c.Resolve(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if rep := contracts.Verify(context.Background(), c); rep.Error != "" {
			b.Fatal(rep.Error)
		}
	}
}
