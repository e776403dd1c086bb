package seeds_test

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
	"testing"

	"github.com/hookmock/hookmock/generator/seeds"
)

// The derivations Derive replaced, as they were written before, so that a
// seed given today yields the events, faults and orders it yielded then.
func oldFNVUints(vs ...uint64) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for _, v := range vs {
		binary.LittleEndian.PutUint64(b[:], v)
		h.Write(b[:])
	}
	return h.Sum64()
}

func oldSeedThenStrings(s uint64, parts ...string) uint64 { // contracts caseSeed
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], s)
	h.Write(b[:])
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

func oldSeedThenBytes(s uint64, body []byte) uint64 { // mockserver faultKey of a given body
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], s)
	h.Write(b[:])
	h.Write(body)
	return h.Sum64()
}

func oldFiring(s int64, n int, schedule string) int64 { // mockserver firingSeed
	h := fnv.New64a()
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], uint64(s))
	binary.LittleEndian.PutUint64(b[8:], uint64(n))
	h.Write(b[:])
	h.Write([]byte(schedule))
	return int64(h.Sum64() >> 1)
}

func oldName(name string) uint64 { // generator nameHash, schedule stream
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

func oldStream(s uint64, parts ...string) uint64 { // generator streamSeed
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return oldSplitmix(s ^ h.Sum64())
}

func oldSplitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func TestDeriveMatchesTheDerivationsItReplaced(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"", "call", "accepts-valid", "calltransfer.triggered", "a\x00b", "héllo"}
	for i := range 2000 {
		s, n := r.Uint64(), r.Uint64()
		if i%3 == 0 {
			s >>= 1 // int64 seeds of the provider, as they were
		}
		a, b := words[r.IntN(len(words))], words[r.IntN(len(words))]
		body := []byte(a + b)
		checks := []struct {
			name      string
			got, want uint64
		}{
			{"event seed", seeds.Derive(s, seeds.Uint(n)), oldFNVUints(s, n)},
			{"case seed", seeds.Derive(s, seeds.String(a), seeds.String(b)), oldSeedThenStrings(s, a, b)},
			{"fault key of a body", seeds.Derive(s, seeds.Bytes(body)), oldSeedThenBytes(s, body)},
			{"firing seed", seeds.Derive(s>>1, seeds.Uint(uint64(n%1000)), seeds.Raw(a)) >> 1, uint64(oldFiring(int64(s>>1), int(n%1000), a))},
			{"name hash", seeds.Hash(seeds.Raw(a)), oldName(a)},
			{"stream seed", seeds.Mix(s ^ seeds.Hash(seeds.String(a), seeds.String(b))), oldStream(s, a, b)},
			{"mix", seeds.Mix(s), oldSplitmix(s)},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Fatalf("%s (seed %d, parts %q %q, n %d): %d, was %d", c.name, s, a, b, n, c.got, c.want)
			}
		}
	}
}

func TestPartsAreDelimited(t *testing.T) {
	if seeds.Derive(1, seeds.String("ab"), seeds.String("c")) == seeds.Derive(1, seeds.String("a"), seeds.String("bc")) {
		t.Error(`("ab","c") and ("a","bc") derive the same seed`)
	}
	if seeds.Derive(1, seeds.Uint(2)) == seeds.Derive(2, seeds.Uint(1)) {
		t.Error("the parent seed and the part are interchangeable")
	}
}

func TestRandom(t *testing.T) {
	seen := map[uint64]bool{}
	for range 100 {
		s := seeds.Random()
		if s == 0 || s >= 1_000_000_000 {
			t.Fatalf("Random() = %d, want 1..999999999", s)
		}
		seen[s] = true
	}
	if len(seen) < 95 {
		t.Errorf("100 random seeds gave only %d distinct values", len(seen))
	}
}
