package spec_test

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/spec"
)

// notOpenAPI are the corpus files that are not OpenAPI documents (the
// OpenAPI metaschemas, Standard Webhooks' test vectors).
var notOpenAPI = map[string]bool{
	"oai/oas-3.0-schema.yaml":             true,
	"oai/oas-3.1-schema.yaml":             true,
	"standard-webhooks/test-vectors.json": true,
}

// TestCorpusEveryDocumentLoads loads every OpenAPI document under the
// corpus, Adyen's 24 notification specs included, leniently as `serve`
// does; their own examples are TestCorpusLoadsAndExamplesValidate's.
func TestCorpusEveryDocumentLoads(t *testing.T) {
	dir := corpusDir(t)
	docs, adyenEvents := 0, 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".yaml")) {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if notOpenAPI[filepath.ToSlash(rel)] {
			return nil
		}
		docs++
		s, err := spec.LoadFile(path)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		for _, w := range s.Warnings() {
			t.Logf("%s: warning %s", rel, w)
		}
		if strings.HasPrefix(filepath.ToSlash(rel), "adyen/") {
			adyenEvents += len(s.Events)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The corpus README: 24 Adyen files with 175 webhooks in all.
	if docs < 30 || adyenEvents != 175 {
		t.Errorf("%d documents, %d Adyen webhooks; the corpus has 30 OpenAPI documents and 175 Adyen webhooks", docs, adyenEvents)
	}
}
