package generator

import (
	"regexp"
	"testing"
)

// TestGitHubRealismFromTheSpecsWords: on GitHub's 3.1 document, free
// strings take the values the spec names, and ids the shape it shows.
func TestGitHubRealismFromTheSpecsWords(t *testing.T) {
	s := corpusSpec(t, "github/api.github.com.webhooks.openapi-3.1.json")
	g := New(s)
	hex40 := regexp.MustCompile(`^[0-9a-f]{40}$`)
	md5 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	const n = 40
	visibility, userType, senders := 0, 0, 0
	for seed := range uint64(n) {
		res, err := g.Generate(Request{Event: "push", Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		ev := decode(t, res.JSON)
		for _, k := range []string{"before", "after"} {
			if v, _ := ev[k].(string); !hex40.MatchString(v) {
				t.Errorf("seed %d: %s %q is not a 40-hex sha (its description says SHA)", seed, k, v)
			}
		}
		repo, _ := ev["repository"].(map[string]any)
		switch repo["visibility"] {
		case "public", "private", "internal":
			visibility++
		}
		sender, _ := ev["sender"].(map[string]any)
		if sender == nil {
			continue
		}
		senders++
		if sender["type"] == "User" {
			userType++
		}
		if v, ok := sender["gravatar_id"].(string); ok && !md5.MatchString(v) {
			t.Errorf("seed %d: sender.gravatar_id %q is not md5-shaped like its example", seed, v)
		}
		if v, ok := sender["node_id"].(string); !ok || !isNodeID(v) {
			t.Errorf("seed %d: sender.node_id %q is not a node id", seed, v)
		}
	}
	// Most, not all: a few events still exercise other strings.
	if visibility < n*6/10 || senders < 10 || userType < senders*6/10 {
		t.Errorf("of %d push events, %d have a visibility the description names; of %d senders, %d have type User (its example)", n, visibility, senders, userType)
	}
}
