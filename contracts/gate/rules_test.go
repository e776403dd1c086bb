package gate_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

// The package documentation's rules table is what users read; it must
// say what the code does, and every rule needs a fixture.
func TestRulesTableMatchesRegistry(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^//\t([a-z-]+) +(.+?) {2,}(.+)$`)
	documented := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(src), -1) {
		if m[1] != "rule" {
			documented[m[1]] = strings.TrimSpace(strings.ReplaceAll(m[2], " (*)", "")) + " | " + strings.TrimSpace(m[3])
		}
	}
	cell := func(r *gate.Rule, d spec.Direction) string {
		if im, ok := r.Impact(d); ok {
			return fmt.Sprintf("%s, %s", im.Level, im.Bump)
		}
		return "-"
	}
	for _, r := range gate.Rules() {
		want := cell(r, spec.ProviderToConsumer) + " | " + cell(r, spec.ConsumerToProvider)
		if got, ok := documented[r.ID]; !ok || got != want {
			t.Errorf("doc.go row for %s: %q, want %q", r.ID, got, want)
		}
		delete(documented, r.ID)
		if _, err := os.Stat("testdata/rules/" + r.ID + ".yaml"); err != nil {
			t.Errorf("rule %s has no fixture: %v", r.ID, err)
		}
	}
	for id := range documented {
		t.Errorf("doc.go documents unknown rule %s", id)
	}
}
