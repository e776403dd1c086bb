package mockserver_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/mockserver"
)

func TestConfigSpecPathOrObject(t *testing.T) {
	for _, c := range []struct {
		yaml, path string
		strict     bool
		err        string
	}{
		{"spec: a.yaml\n", "a.yaml", false, ""},
		{"spec: {path: b.json, strict: true}\n", "b.json", true, ""},
		{"spec: {path: b.json, strickt: true}\n", "", false, "spec.strickt: unknown key"},
		{"spec: {path: b.json, strict: maybe}\n", "", false, "spec.strict"},
	} {
		p := filepath.Join(t.TempDir(), "hookmock.yaml")
		if err := os.WriteFile(p, []byte(c.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := mockserver.LoadConfig(p)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), p) {
				t.Errorf("%q: error %v, want one naming %s and %q", c.yaml, err, p, c.err)
			}
		case err != nil:
			t.Errorf("%q: %v", c.yaml, err)
		case cfg.Spec.Path != c.path || cfg.Spec.Strict != c.strict:
			t.Errorf("%q: %+v", c.yaml, cfg.Spec)
		}
	}
}
