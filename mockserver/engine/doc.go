// Package engine is the provider's state and its delivery engine: the
// webhook registry and the delivery log over the store, and the workers
// that sign, send and retry deliveries on the provider's clock.
//
// It reads and writes only through the store (mockserver/store), and it
// serves no HTTP: the API in package mockserver calls it, and never the
// other way round. What it needs from the provider (the clock, headers a
// contract declares, who to tell when a breaker flips) it is given
// explicitly, typed, when it is made.
package engine
