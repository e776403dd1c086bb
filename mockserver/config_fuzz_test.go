package mockserver_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/mockserver"
	"github.com/hookmock/hookmock/spec/yamlsafe"
)

// FuzzConfig feeds hookmock.yaml's reader arbitrary bytes: it must return
// a config or an error naming the file, never panic or hang.
func FuzzConfig(f *testing.F) {
	f.Add([]byte("addr: 127.0.0.1:8080\ndelivery: {timeout: 5s, workers: 4}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := mockserver.ParseConfig("hookmock.yaml", data)
		if err == nil {
			if c == nil {
				t.Fatal("nil config and nil error")
			}
			return
		}
		var ye *yamlsafe.Error
		if !errors.As(err, &ye) && !strings.Contains(err.Error(), "hookmock.yaml") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}
