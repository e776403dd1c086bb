// Package hostile holds a suite that drives a real `hookmock serve` with
// every hostile HTTP input of issue 11 and checks that each gets its 4xx in
// time, that the server still answers afterwards, and that its memory stays
// bounded. It has no code of its own.
package hostile
