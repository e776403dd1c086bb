//go:build !race

package hostile_test

const rssBound = 512 << 20
