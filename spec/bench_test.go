package spec_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/hookmock/hookmock/spec"
)

// BenchmarkValidateCalltransfer validates one calltransfer event from raw
// bytes: JSON decoding plus schema validation with format assertions.
func BenchmarkValidateCalltransfer(b *testing.B) {
	s, err := spec.Default()
	if err != nil {
		b.Fatal(err)
	}
	e, _ := s.Event("calltransfer.triggered")
	raw := compact(b, triggered)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		vs, err := s.Validate(e, raw)
		if err != nil || len(vs) != 0 {
			b.Fatal(err, vs)
		}
	}
}

func BenchmarkValidateCalltransferParallel(b *testing.B) {
	s, err := spec.Default()
	if err != nil {
		b.Fatal(err)
	}
	e, _ := s.Event("calltransfer.triggered")
	raw := compact(b, triggered)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if vs, err := s.Validate(e, raw); err != nil || len(vs) != 0 {
				b.Error(err, vs)
				return
			}
		}
	})
}

// compact is how events travel: hookmock sends compact JSON.
func compact(b *testing.B, doc string) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(doc)); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkDecode compares the validator's JSON decoding with encoding/json.
func BenchmarkDecode(b *testing.B) {
	raw := compact(b, triggered)
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := spec.DecodeJSON(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
