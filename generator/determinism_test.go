package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.txt from the current generator")

var (
	digestOnce sync.Once
	digestText string
)

// digest renders a fixed set of generations: a few events in full (so a
// change shows what moved) and a hash over many more. It is computed once
// per process.
func digest(t testing.TB) string {
	digestOnce.Do(func() { digestText = computeDigest(t) })
	return digestText
}

func computeDigest(t testing.TB) string {
	var b strings.Builder
	// Only this package's own fixtures: the live contract changes with
	// its owners, and that must not read as a generator change.
	envelope := New(loadSpec(t, "testdata/envelope.yaml"))
	for _, s := range []struct {
		name string
		g    *Generator
	}{{"envelope", envelope}, {"features", New(featuresSpec(t))}, {"features30", New(loadSpec(t, "testdata/features30.yaml"))}} {
		for _, e := range s.g.Spec().Events {
			h := sha256.New()
			for seed := uint64(0); seed < 100; seed++ {
				h.Write(mustGenerate(t, s.g, Request{Event: e.Name, Seed: seed}).JSON)
			}
			fmt.Fprintf(&b, "%s %s seeds 0-99 sha256 %s\n", s.name, e.Name, hex.EncodeToString(h.Sum(nil)))
			fmt.Fprintf(&b, "  seed 7: %s\n", mustGenerate(t, s.g, Request{Event: e.Name, Seed: 7}).JSON)
		}
	}
	call := NewCall(42)
	for _, e := range []string{"calltransfer.triggered", "room.closed", "calltransfer.triggered"} {
		fmt.Fprintf(&b, "call 42 %s: %s\n", e, mustGenerate(t, envelope, Request{Event: e, Seed: 1, Call: call}).JSON)
	}
	for _, k := range append(append([]Kind(nil), Kinds...), RandomKind) {
		res := mustGenerate(t, envelope, Request{Event: "calltransfer.triggered", Seed: 11, Invalid: k})
		fmt.Fprintf(&b, "invalid %s: %s\n  %s\n", k, res.JSON, res.Invalid)
	}
	return b.String()
}

// Same inputs, same bytes, across runs: compared with a golden file that
// is only rewritten on purpose (go test -run Golden -update).
func TestDeterminismGolden(t *testing.T) {
	got := digest(t)
	const path = "testdata/golden.txt"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Fatalf("output changed for the same seeds; if that is intended, run go test -run Golden -update and review the diff\n%s", firstDiff(string(want), got))
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, al[i], bl[i])
		}
	}
	return "lengths differ"
}

const childEnv = "HOOKMOCK_GENERATOR_DIGEST_CHILD"

// Same inputs, same bytes, across processes: a second process (this test
// binary, re-executed, with its own map seeds and scheduling) must compute
// the same digest.
func TestDeterminismAcrossProcesses(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("running as the child")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDigestChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1", "GOMAXPROCS=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	start := bytes.Index(out, []byte("DIGEST>"))
	end := bytes.Index(out, []byte("<DIGEST"))
	if start < 0 || end < start {
		t.Fatalf("child printed no digest:\n%s", out)
	}
	if got, want := string(out[start+7:end]), digest(t); got != want {
		t.Fatalf("another process generated different bytes\n%s", firstDiff(want, got))
	}
}

func TestDigestChild(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("only runs as the child of TestDeterminismAcrossProcesses")
	}
	fmt.Print("DIGEST>" + digest(t) + "<DIGEST")
}
