package generator

import (
	"path/filepath"
	"testing"
)

// TestCorpusAdyen generates every webhook of Adyen's 24 notification
// specs (175 in all, per the corpus README) and validates each event.
func TestCorpusAdyen(t *testing.T) {
	dir := corpusDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "adyen", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Parallel()
	total := 0
	for _, f := range files {
		s := loadSpec(t, f)
		g := New(s)
		for _, e := range s.Events {
			total++
			if err := generateSeeds(g, e.Name, corpusSeeds()); err != nil {
				t.Errorf("%s %s: %v", filepath.Base(f), e.Name, err)
			}
		}
	}
	if len(files) != 24 || total != 175 {
		t.Errorf("%d files, %d webhooks; the corpus README says 24 and 175", len(files), total)
	}
}

// TestLenientFixturesGenerate: the documents spec/testdata/lenient reads
// leniently (nullable in 3.1, boolean exclusiveMinimum, $recursiveAnchor,
// an unknown keyword, integers beyond int64 in YAML) generate valid events.
func TestLenientFixturesGenerate(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "spec", "testdata", "lenient", "*.yaml"))
	if err != nil || len(files) < 5 {
		t.Fatalf("%d fixtures: %v", len(files), err)
	}
	for _, f := range files {
		g := New(loadSpec(t, f))
		if err := generateSeeds(g, "ping", 20); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
	}
}
