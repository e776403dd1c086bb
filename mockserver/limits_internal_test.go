package mockserver

import "testing"

func TestCountEntries(t *testing.T) {
	for raw, want := range map[string]int{
		`{}`: 0, `[]`: 0, ` { } `: 0, `{"a":1}`: 1, `["a=1","b=2"]`: 2, `{"a,b":[1,2,3],"c":{"d":1,"e":2},"f":"\",\\"}`: 3,
		`[{"a":1,"b":2},[3,4]]`: 2, `"a,b"`: 0, `7`: 0,
	} {
		if got := countEntries([]byte(raw)); got != want {
			t.Errorf("%s: %d entries, want %d", raw, got, want)
		}
	}
}
