// Package wire is what goes over HTTP from a provider to a consumer: the
// target and the request, the signature on one request, the faults that
// change the bytes or the headers, and the record of one exchange. It is a
// leaf: the provider (mockserver), the verifier (contracts) and the load
// generator (mockserver/loadgen) all send through it, and it imports none
// of them, so that the verifier does not link the provider.
package wire
