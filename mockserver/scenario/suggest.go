package scenario

import "github.com/hookmock/hookmock/spec/yamlsafe"

// closest returns the candidate nearest to s by edit distance, if it is
// near enough to be a likely typo.
func closest(s string, candidates []string) string { return yamlsafe.Closest(s, candidates) }
