package spec_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hookmock/hookmock/spec"
)

// BenchmarkLoadGitHub31 loads GitHub's 3.1 webhooks document (4.8 MB,
// 261 webhooks): parse, walk, lenient reading, index; "compile" also
// compiles every validator, as serve does.
func BenchmarkLoadGitHub31(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(corpusDir(b), "github", "api.github.com.webhooks.openapi-3.1.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("deferred", func(b *testing.B) {
		for b.Loop() {
			if _, err := spec.LoadBytes("github.json", data, spec.DeferCompile()); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The loader before lenient reading, on the same binary: strict
	// loading runs the keyword audit that used to be the only path.
	b.Run("deferred-strict", func(b *testing.B) {
		for b.Loop() {
			if _, err := spec.LoadBytes("github.json", data, spec.DeferCompile(), spec.StrictLoad()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("compile", func(b *testing.B) {
		for b.Loop() {
			if _, err := spec.LoadBytes("github.json", data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
