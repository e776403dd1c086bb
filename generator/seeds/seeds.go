// Package seeds derives seeds. Every seed in hookmock is a uint64; a run is
// replayed from its one seed because every other seed (an event's, a
// fault's, a schedule firing's, a verifier case's) is derived from it here.
// It is a leaf, so that the provider, the verifier and the generator
// derive the same way without importing one another.
package seeds

import (
	"crypto/rand"
	"encoding/binary"
)

// A Part is one input of a derivation.
type Part struct {
	kind uint8
	n    uint64
	s    string
	b    []byte
}

const (
	kindUint   = iota // 8 little-endian bytes
	kindString        // the bytes, then a NUL
	kindRaw           // the bytes of a string
	kindBytes         // the bytes of a slice
)

// Uint is a number, hashed as its 8 little-endian bytes.
func Uint(n uint64) Part { return Part{n: n, kind: kindUint} }

// String is a name, hashed with a NUL after it, so that the parts
// ("ab", "c") and ("a", "bc") derive different seeds.
func String(s string) Part { return Part{s: s, kind: kindString} }

// Bytes is raw input (an event body), hashed as it is.
func Bytes(b []byte) Part { return Part{b: b, kind: kindBytes} }

// Raw is a string hashed as it is, without the NUL of String.
func Raw(s string) Part { return Part{s: s, kind: kindRaw} }

// FNV-1a, 64 bits.
const (
	offset64 = 14695981039346656037
	prime64  = 1099511628211
)

type fnv uint64

func (h *fnv) bytes(b []byte) {
	for _, c := range b {
		*h = (*h ^ fnv(c)) * prime64
	}
}

func (h *fnv) string(s string) {
	for i := 0; i < len(s); i++ {
		*h = (*h ^ fnv(s[i])) * prime64
	}
}

func (h *fnv) part(p Part) {
	switch p.kind {
	case kindUint:
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], p.n)
		h.bytes(b[:])
	case kindString:
		h.string(p.s)
		*h *= prime64 // a NUL: x^0 is x
	case kindRaw:
		h.string(p.s)
	case kindBytes:
		h.bytes(p.b)
	}
}

// Hash is FNV-1a (64 bits) over the parts in order.
func Hash(parts ...Part) uint64 {
	h := fnv(offset64)
	for _, p := range parts {
		h.part(p)
	}
	return uint64(h)
}

// Derive returns the seed of one purpose of a run seeded with s: the hash
// of s and the parts that name the purpose.
func Derive(s uint64, parts ...Part) uint64 {
	h := fnv(offset64)
	h.part(Uint(s))
	for _, p := range parts {
		h.part(p)
	}
	return uint64(h)
}

// Mix is the finaliser of SplitMix64: it turns nearby seeds (s, s+1) into
// unrelated ones, before they seed a PCG stream.
func Mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Random picks a seed for a run that did not name one, from crypto/rand.
// Commands print it so that the run can be replayed, so it is kept short
// enough to retype; it is never 0, which callers read as "pick one".
func Random() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand aborts the program instead)
	return 1 + binary.LittleEndian.Uint64(b[:])%999_999_999
}
