//go:build race

package cmd_test

// raceEnabled: the race detector slows the replica test's processes about
// tenfold, so under it the test runs a tenth of its events; .ci/run also
// runs it without the detector, at full size.
const raceEnabled = true
