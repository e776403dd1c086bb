package cmd

import (
	"strconv"
	"testing"

	"github.com/hookmock/hookmock/mockserver"
)

// The sample hookmock.yaml's top-level settings are serve's flag defaults
// (mockserver's own test checks the rest against the provider's defaults).
func TestSampleConfigTopLevelIsServesDefaults(t *testing.T) {
	c, err := mockserver.LoadConfig("../examples/hookmock.yaml")
	if err != nil {
		t.Fatal(err)
	}
	flags := newServeCmd(&app{}).Flags()
	def := func(name string) string {
		f := flags.Lookup(name)
		if f == nil {
			t.Fatalf("serve has no --%s", name)
		}
		return f.DefValue
	}
	for _, s := range []struct{ flag, file string }{
		{"addr", c.Addr},
		{"clock", c.Clock},
		{"log-format", c.LogFormat},
		{"api-key", c.APIKey},
		{"ca-file", c.Delivery.CAFile},
		{"store", c.Store.URL},
		{"seed", strconv.FormatUint(c.Seed, 10)},
	} {
		if s.file != def(s.flag) {
			t.Errorf("examples/hookmock.yaml sets %q where serve's --%s defaults to %q", s.file, s.flag, def(s.flag))
		}
	}
	if c.Spec.Path != "" || c.Spec.Strict {
		t.Errorf("examples/hookmock.yaml sets spec %+v; the default is the embedded contract, not strict", c.Spec)
	}
}
