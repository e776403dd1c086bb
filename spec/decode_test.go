package spec

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzDecodeJSON holds the fast decoder to encoding/json's results.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"version":"1.0.0","type":"calltransfer.triggered","payload":{"timestamp":"1770005095","is_sip_refer":false},"event_ts":1770005095.25}`,
		`[1,-0,0.5e10,1E-2,true,false,null,"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00"]`,
		`"\ud800"`, `"\ud800\u0041"`, `"\udc00\ud800"`, "\"\xff\xfe\"", `{"a":1,"a":2}`, `{"version":"1","type":{"a":[]},"\u0061":2,"é":3}`,
		`01`, `1.`, `-`, `.5`, `1e`, `{"a" 1}`, `[1,]`, `{,}`, `"\x"`, `tru`, ` {} `, `{} x`, "\"\t\"", `"\u12g4"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := DecodeJSON(data)
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		werr := dec.Decode(&want)
		if werr == nil && dec.More() {
			werr = errSyntax
		}
		if werr == nil {
			// encoding/json's Decoder accepts trailing whitespace only.
			rest := data[dec.InputOffset():]
			if len(bytes.TrimLeft(rest, " \t\r\n")) > 0 {
				werr = errSyntax
			}
		}
		if (err != nil) != (werr != nil) {
			t.Fatalf("%q: fast decoder error %v, encoding/json error %v", data, err, werr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: fast decoder %#v, encoding/json %#v", data, got, want)
		}
		// Interned keys change where key strings come from, never the result.
		interned, ierr := decodeInterned(data, map[string]string{"a": "a", "version": "version", "type": "type", "é": "é"})
		if (ierr != nil) != (err != nil) || (ierr == nil && !reflect.DeepEqual(interned, got)) {
			t.Fatalf("%q: interned decoding %#v (%v), plain %#v (%v)", data, interned, ierr, got, err)
		}
	})
}
