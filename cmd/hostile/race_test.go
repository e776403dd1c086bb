//go:build race

package hostile_test

// The race detector costs 5–10× the memory of a plain build (Go's race
// detector documentation), most of it per goroutine and per allocation.
const rssBound = 1 << 30
