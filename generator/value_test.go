package generator

import (
	"bytes"
	"encoding/json"
	"testing"
)

// The hand-written marshaller must write what encoding/json writes (with
// HTML escaping off), byte for byte, for any string.
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	cases := []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr", "\x00\x01\x1f\x7f",
		"<html> & </html>", "é ü 漢字 😀", "\u2028\u2029", "bad \xff utf8 \xc3", "sip:user@host"}
	r := newRNG(9)
	for range 2000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != string(bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Fatalf("%q: got %s, encoding/json writes %s", s, got, want.Bytes())
		}
	}
}

func TestObjectKeepsOrderAndClonesDeeply(t *testing.T) {
	v, err := decodeOrdered([]byte(`{"z":1,"a":{"k":[true,null,"s"]},"m":2.50}`))
	if err != nil {
		t.Fatal(err)
	}
	c := clone(v)
	c.(*object).m[1].v.(*object).m[0].v.([]any)[0] = false
	if got := string(appendJSON(nil, v)); got != `{"z":1,"a":{"k":[true,null,"s"]},"m":2.50}` {
		t.Fatalf("order or numbers changed, or the clone is shallow: %s", got)
	}
	if !equalJSON(fromJSON(map[string]any{"m": 2.5, "a": map[string]any{"k": []any{true, nil, "s"}}, "z": json.Number("1")}), v) {
		t.Fatal("equalJSON should ignore key order and number spelling")
	}
}
