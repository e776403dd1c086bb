package generator

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"strings"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/brianvoe/gofakeit/v7/data"

	"github.com/hookmock/hookmock/generator/seeds"
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
// zero for "random"): the state always comes through seeds.Mix.
func (r *rng) reseed(s uint64) {
	a := seeds.Mix(s)
	r.src.Seed(a, seeds.Mix(a))
}

func (r *rng) Int64N(n int64) int64 {
	if n <= 0 {
		return 0
	}
	return r.rnd.Int64N(n)
}

// appendUUID appends what r.UUID() would return, from the same draws:
// gofakeit's version-4 UUID of two Uint64s, in lower-case hex.
func appendUUID(b []byte, r *rng) []byte {
	var u [16]byte
	binary.LittleEndian.PutUint64(u[0:8], r.Uint64())
	binary.LittleEndian.PutUint64(u[8:16], r.Uint64())
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	for i, part := range [][]byte{u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]} {
		if i > 0 {
			b = append(b, '-')
		}
		b = hex.AppendEncode(b, part)
	}
	return b
}

// chance is true with probability p.
func (r *rng) chance(p float64) bool { return r.rnd.Float64() < p }

// streamSeed derives the seed of one purpose's stream (an event body, a
// retry, a negative variant) from the caller's seed, so that the same seed
// gives unrelated values for different events and purposes.
func streamSeed(s uint64, name string) uint64 {
	return seeds.Mix(s ^ seeds.Hash(seeds.String(name)))
}
