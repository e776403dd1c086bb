package generator

import (
	"hash/fnv"
	"math/rand/v2"
	"strings"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/brianvoe/gofakeit/v7/data"
)

// Word lists read straight from gofakeit's data, once: its accessors look
// them up in nested maps on every call, which shows in the Daily profile.
// Only plain lower-case words are kept, so they fit in hostnames and SIP
// user parts as they are.
var (
	firstNames = lowerWords(data.Data["person"]["first"])
	nouns      = lowerWords(data.Data["word"]["noun_countable"])
)

func lowerWords(list []string) []string {
	out := make([]string, 0, len(list))
	for _, w := range list {
		w = strings.ToLower(w)
		if w != "" && strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") == "" {
			out = append(out, w)
		}
	}
	return out
}

// pick draws one string from a list, or "" from an empty one.
func pick(r *rng, list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[r.IntN(len(list))]
}

// rng is one event's random stream: gofakeit for realistic words and
// math/rand for numbers, both drawing from the same PCG source so the
// stream is a single deterministic sequence.
type rng struct {
	*gofakeit.Faker
	rnd *rand.Rand
	src *rand.PCG
}

func newRNG(seed uint64) *rng {
	src := &rand.PCG{}
	r := &rng{Faker: gofakeit.NewFaker(src, false), rnd: rand.New(src), src: src}
	r.reseed(seed)
	return r
}

// reseed restarts the stream. gofakeit never sees the seed (it would take
// zero for "random"): the state always comes through splitmix64.
func (r *rng) reseed(seed uint64) {
	a := splitmix64(seed)
	r.src.Seed(a, splitmix64(a))
}

func (r *rng) Int64N(n int64) int64 {
	if n <= 0 {
		return 0
	}
	return r.rnd.Int64N(n)
}

// chance is true with probability p.
func (r *rng) chance(p float64) bool { return r.rnd.Float64() < p }

// splitmix64 is the finaliser of SplitMix64: it turns nearby seeds (s, s+1)
// into unrelated streams.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// streamSeed derives the seed of one purpose's stream (an event body, a
// retry, a negative variant) from the caller's seed, so that the same seed
// gives unrelated values for different events and purposes.
func streamSeed(seed uint64, parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return splitmix64(seed ^ h.Sum64())
}
