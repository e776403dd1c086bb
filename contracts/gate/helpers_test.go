package gate_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/spec"
)

// loadPair reads a fixture holding the old and the new document, in that
// order, separated by a line "---".
func loadPair(t testing.TB, path string) (old, new *spec.Spec) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	parts := bytes.SplitN(data, []byte("\n---\n"), 2)
	if len(parts) != 2 {
		t.Fatalf("%s: want two documents separated by ---", path)
	}
	name := filepath.Base(path)
	if old, err = spec.LoadBytes(name+"@old", parts[0], spec.DeferCompile()); err != nil {
		t.Fatal(err)
	}
	if new, err = spec.LoadBytes(name+"@new", parts[1], spec.DeferCompile()); err != nil {
		t.Fatal(err)
	}
	return old, new
}

// want is the one finding a rule fixture must produce.
type want struct {
	Level    gate.Level
	Bump     gate.Bump
	Dir      spec.Direction
	Event    string
	Part     gate.Part
	PartName string
	Old, New string // pointers in the old and the new document
	Path     string // message location; "" for event-level findings
}

// checkRule runs a rule's fixture and asserts it yields exactly one
// finding, the expected one, and that the fixture's version bump passes.
func checkRule(t *testing.T, id string, w want) {
	t.Helper()
	old, new := loadPair(t, filepath.Join("testdata", "rules", id+".yaml"))
	rep := gate.Compare(old, new, gate.Policy{})
	if len(rep.Findings) != 1 {
		t.Fatalf("want exactly one finding, got %d:\n%s", len(rep.Findings), dump(rep))
	}
	f := rep.Findings[0]
	var paths []string
	if w.Path != "" {
		paths = []string{w.Path}
	}
	got := want{f.Level, f.Bump, f.Direction, f.Event, f.Part, f.PartName, f.OldPointer, f.NewPointer, strings.Join(f.Paths, ",")}
	w.Path = strings.Join(paths, ",")
	if f.Rule != id || got != w {
		t.Errorf("finding:\n got %s %+v\nwant %s %+v", f.Rule, got, id, w)
	}
	if v := rep.Verdict(); !v.Pass {
		t.Errorf("fixture's bump %s → %s should pass: %v", rep.Old.Version, rep.New.Version, v.Reasons)
	}
}

func dump(rep *gate.Report) string {
	var b bytes.Buffer
	_ = rep.Write(&b, "text")
	return b.String()
}
