package wire_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/mockserver/wire"
)

func TestRedactingHandler(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(wire.RedactingHandler(slog.NewTextHandler(&buf, nil)))
	u, _ := url.Parse("http://alice:hunter2@consumer.test/hook")
	log.Info("webhook created", "url", "http://alice:hunter2@consumer.test/hook", "parsed", u,
		"error", errors.New(`Post "https://bob:pw@x.test/": refused`), "Authorization", "Basic YWxpY2U6aHVudGVyMg==",
		slog.Group("req", "header", "Bearer abc.def-ghi"))
	log.With("target", "http://carol:s3cret@y.test").Warn("at http://dave:pw2@z.test/")
	out := buf.String()
	for _, secret := range []string{"hunter2", "alice", "bob:pw", "YWxpY2U6aHVudGVyMg", "abc.def", "s3cret", "pw2"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q leaked:\n%s", secret, out)
		}
	}
	for _, kept := range []string{"consumer.test/hook", "x.test", "redacted@", "Bearer [redacted]"} {
		if !strings.Contains(out, kept) {
			t.Errorf("%q missing:\n%s", kept, out)
		}
	}
}
