package gate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hookmock/hookmock/contracts/gate"
	"github.com/hookmock/hookmock/internal/corpus"
	"github.com/hookmock/hookmock/spec"
)

const githubSpec = "github/api.github.com.webhooks.openapi-3.1.json"

// githubPair returns GitHub's 3.1 webhooks document and a copy mutated in
// memory, with the findings the mutations must produce (rule old → new).
// The corpus file is never copied into the project.
func githubPair(t testing.TB) (oldData, newData []byte, want []string) {
	t.Helper()
	dir := corpus.Dir(t)
	oldData, err := os.ReadFile(filepath.Join(dir, githubSpec))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(oldData))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	obj := func(v any, path ...string) map[string]any {
		for _, k := range path {
			v = v.(map[string]any)[k]
		}
		return v.(map[string]any)
	}
	schemas := obj(doc, "components", "schemas")
	hooks := obj(doc, "webhooks")
	doc["info"].(map[string]any)["version"] = "13.0.0"

	// 1. A required property removed from an event's own schema.
	job := obj(schemas, "webhook-workflow-job-queued", "properties", "workflow_job")
	delete(obj(job, "properties"), "runner_name")
	var req []any
	for _, r := range job["required"].([]any) {
		if r != "runner_name" {
			req = append(req, r)
		}
	}
	job["required"] = req
	// 2. An enum value added there too.
	status := obj(job, "properties", "status")
	status["enum"] = append(status["enum"].([]any), "failed")
	// 3. A type change in a component most events share.
	obj(schemas, "simple-user", "properties", "id")["type"] = "string"
	// 4. An event removed, 5. one added.
	delete(hooks, "ping")
	hooks["hookmock-probe"] = hooks["workflow-job-queued"]
	// 6. An optional property made required.
	hookProps := obj(schemas, "webhook-workflow-job-queued")
	hookProps["required"] = append(hookProps["required"].([]any), "installation")

	if newData, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	job0 := "/components/schemas/webhook-workflow-job-queued"
	want = []string{
		"event-removed /webhooks/ping/post → /webhooks",
		"event-added /webhooks → /webhooks/hookmock-probe/post",
		"property-removed " + job0 + "/properties/workflow_job/properties/runner_name → " + job0 + "/properties/workflow_job/properties",
		"enum-value-added " + job0 + "/properties/workflow_job/properties/status/enum → " + job0 + "/properties/workflow_job/properties/status/enum/4",
		"property-became-required " + job0 + "/properties/installation → " + job0 + "/required/4",
		"type-changed /components/schemas/simple-user/properties/id/type → /components/schemas/simple-user/properties/id/type",
	}
	sort.Strings(want)
	return oldData, newData, want
}

func TestGitHubMutations(t *testing.T) {
	oldData, newData, want := githubPair(t)
	start := time.Now()
	old, err := spec.LoadBytes("github-old.json", oldData, spec.DeferCompile())
	if err != nil {
		t.Fatal(err)
	}
	new, err := spec.LoadBytes("github-new.json", newData, spec.DeferCompile())
	if err != nil {
		t.Fatal(err)
	}
	loaded := time.Now()
	rep := gate.Compare(old, new, gate.Policy{})
	t.Logf("load both %v, compare %v, %d events, %d findings", loaded.Sub(start), time.Since(loaded), len(old.Events), len(rep.Findings))

	distinct := map[string]int{}
	for _, f := range rep.Findings {
		distinct[f.Rule+" "+f.OldPointer+" → "+f.NewPointer]++
	}
	got := slices.Sorted(maps.Keys(distinct))
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("distinct findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The shared component's change is reported on every event that
	// carries a user, and only once per event.
	if n := distinct[want[len(want)-1]]; n < 200 {
		t.Errorf("simple-user type change reported on %d events; most of the 261 carry a sender", n)
	}
	v := rep.Verdict()
	if !v.Pass || v.Required != gate.Major {
		t.Errorf("12.1.0 → 13.0.0: %+v", v)
	}
	// The same changes under a minor bump fail.
	minor := bytes.Replace(newData, []byte(`"version":"13.0.0"`), []byte(`"version":"12.2.0"`), 1)
	new2, err := spec.LoadBytes("github-new.json", minor, spec.DeferCompile())
	if err != nil {
		t.Fatal(err)
	}
	if v := gate.Compare(old, new2, gate.Policy{}).Verdict(); v.Pass {
		t.Errorf("12.1.0 → 12.2.0 with breaking changes passed")
	}
}

func TestGitHubUnchanged(t *testing.T) {
	oldData, _, _ := githubPair(t)
	s, err := spec.LoadBytes("github.json", oldData, spec.DeferCompile())
	if err != nil {
		t.Fatal(err)
	}
	if rep := gate.Compare(s, s, gate.Policy{}); len(rep.Findings) != 0 || !rep.Verdict().Pass {
		t.Errorf("a document compared with itself: %d findings", len(rep.Findings))
	}
}

// BenchmarkGateGitHub is the whole gate on GitHub's spec and a mutated
// copy: both loads (in parallel, as the CLI does), the comparison, the
// verdict. The sub-benchmarks split load from compare.
func BenchmarkGateGitHub(b *testing.B) {
	oldData, newData, _ := githubPair(b)
	dir := b.TempDir()
	oldPath, newPath := filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json")
	if err := os.WriteFile(oldPath, oldData, 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(newPath, newData, 0o600); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("total", func(b *testing.B) {
		for b.Loop() {
			old, new, err := gate.LoadPair(ctx, oldPath, newPath)
			if err != nil {
				b.Fatal(err)
			}
			if gate.Compare(old, new, gate.Policy{}).Verdict().Pass != true {
				b.Fatal("should pass")
			}
		}
	})
	b.Run("load-one", func(b *testing.B) {
		for b.Loop() {
			if _, err := gate.Load(ctx, newPath); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("load-pair", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := gate.LoadPair(ctx, oldPath, newPath); err != nil {
				b.Fatal(err)
			}
		}
	})
	old, new, err := gate.LoadPair(ctx, oldPath, newPath)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("compare", func(b *testing.B) {
		for b.Loop() {
			gate.Compare(old, new, gate.Policy{})
		}
	})
}
