package generator

import (
	"encoding/json"
	"testing"
)

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
