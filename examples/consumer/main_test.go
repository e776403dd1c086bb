package main

import (
	"context"
	"log/slog"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("main", func() {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	quiet := slog.New(slog.DiscardHandler)

	It("refuses to start without Daily's secret", func() {
		err := run(context.Background(), []string{"-addr", "127.0.0.1:0"}, env(nil), quiet)
		Expect(err).To(MatchError(ContainSubstring("DAILY_WEBHOOK_SECRET: the webhook secret must be Daily's base64 hmac")))
	})

	It("serves until cancelled, then shuts down cleanly", func() {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-debug"}, env(map[string]string{"DAILY_WEBHOOK_SECRET": secret}), quiet)
		}()
		Consistently(done).WithTimeout(100 * time.Millisecond).ShouldNot(Receive())
		cancel()
		Eventually(done).WithTimeout(5 * time.Second).Should(Receive(BeNil()))
	})
})
