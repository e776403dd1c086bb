//go:build race

package generator

// raceEnabled lets the slowest tests do less under the race detector,
// which makes generation and validation about ten times slower.
const raceEnabled = true
