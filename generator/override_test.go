package generator

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseOverride(t *testing.T) {
	cases := []struct {
		in, ptr, json string
	}{
		{`payload.is_sip_refer=true`, "/payload/is_sip_refer", `true`},
		{`payload.room=sales`, "/payload/room", `"sales"`},
		{`payload.room="123"`, "/payload/room", `"123"`},
		{`payload.timestamp=1770005095`, "/payload/timestamp", `1770005095`},
		{`event_ts=1770005095.5`, "/event_ts", `1770005095.5`},
		{`payload.extra=null`, "/payload/extra", `null`},
		{`payload.meta={"b":1,"a":[true,"x"]}`, "/payload/meta", `{"b":1,"a":[true,"x"]}`},
		{`/payload/room=a=b`, "/payload/room", `"a=b"`},
		{`/a~1b/c~0d=1-800`, "/a~1b/c~0d", `"1-800"`},
		{`payload.room=`, "/payload/room", `""`},
		{`list.0=x`, "/list/0", `"x"`},
	}
	for _, c := range cases {
		o, err := ParseOverride(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if o.Pointer != c.ptr || string(appendJSON(nil, o.Value)) != c.json {
			t.Errorf("%s: got %s = %s, want %s = %s", c.in, o.Pointer, appendJSON(nil, o.Value), c.ptr, c.json)
		}
	}
	for _, bad := range []string{"noequals", "=x", "a..b=1", `a={"x":`, "/bad~2=1"} {
		if _, err := ParseOverride(bad); err == nil {
			t.Errorf("%s: parsed, want an error", bad)
		}
	}
}

// OverrideJSON is the typed path the HTTP API and scenarios take; it must
// give what ParseOverride gave them when they went through "key=json".
func TestOverrideJSONMatchesTheKeyValuePath(t *testing.T) {
	for _, c := range []struct{ key, raw string }{
		{"payload.room", `"sales"`}, {"payload.room", `"123"`}, {"payload.timestamp", `1770005095`},
		{"/payload/meta", `{"b":1,"a":[true,"x"]}`}, {"payload.extra", `null`}, {"payload.flag", `false`},
	} {
		got, err := OverrideJSON(c.key, []byte(c.raw))
		want, werr := ParseOverride(c.key + "=" + c.raw)
		if err != nil || werr != nil {
			t.Fatalf("%s=%s: %v / %v", c.key, c.raw, err, werr)
		}
		if got.Pointer != want.Pointer || string(appendJSON(nil, got.Value)) != string(appendJSON(nil, want.Value)) {
			t.Errorf("%s=%s: %s = %s, the key=value path gives %s = %s", c.key, c.raw, got.Pointer, appendJSON(nil, got.Value), want.Pointer, appendJSON(nil, want.Value))
		}
	}
	if _, err := OverrideJSON("a..b", []byte("1")); err == nil || !strings.Contains(err.Error(), "empty segment") {
		t.Errorf("a bad key: %v", err)
	}
}

func TestApplyOverride(t *testing.T) {
	body := func() any {
		v, _ := decodeOrdered([]byte(`{"a":{"b":1},"list":[1,2],"s":"x"}`))
		return v
	}
	for in, want := range map[string]string{
		"a.b=2":      `{"a":{"b":2},"list":[1,2],"s":"x"}`,
		"a.c.d=true": `{"a":{"b":1,"c":{"d":true}},"list":[1,2],"s":"x"}`,
		"list.1=9":   `{"a":{"b":1},"list":[1,9],"s":"x"}`,
		"new=[1]":    `{"a":{"b":1},"list":[1,2],"s":"x","new":[1]}`,
	} {
		o, _ := ParseOverride(in)
		b := body()
		if err := o.apply(b); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if got := string(appendJSON(nil, b)); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
	for in, msg := range map[string]string{
		"s.x=1":    `"s.x": /s is a string`,
		"list.5=1": `"list.5": /list has 2 items`,
	} {
		o, _ := ParseOverride(in)
		if err := o.apply(body()); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: got %v, want an error containing %q", in, err, msg)
		}
	}
}

func TestOverridesInGeneratedEvents(t *testing.T) {
	g := New(dailySpec(t))
	set := func(kv ...string) []Override {
		var out []Override
		for _, s := range kv {
			o, err := ParseOverride(s)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, o)
		}
		return out
	}
	t.Run("derived fields follow", func(t *testing.T) {
		res := mustGenerate(t, g, Request{Event: "calltransfer.triggered", Seed: 1,
			Set: set(`payload.timestamp="1770000000"`, "payload.session_id=07efe77a-74e8-4e69-81b0-41ca454c06e0", "payload.room=sales")})
		ev := decode(t, res.JSON)
		if ev["id"] != "3602-call-transfer-trig-07efe77a-74e8-4e69-81b0-41ca454c06e01770000000" {
			t.Errorf("id %v does not follow the overridden session and timestamp", ev["id"])
		}
		if ts := ev["event_ts"].(json.Number); !strings.HasPrefix(string(ts), "1770000000") {
			t.Errorf("event_ts %s does not follow the overridden timestamp", ts)
		}
		if ev["payload"].(map[string]any)["room"] != "sales" {
			t.Errorf("room not overridden: %s", res.JSON)
		}
	})
	t.Run("overridden derived fields stay", func(t *testing.T) {
		ev := decode(t, mustGenerate(t, g, Request{Event: "calltransfer.triggered", Seed: 1, Set: set("id=evt-1", "event_ts=1")}).JSON)
		if ev["id"] != "evt-1" || ev["event_ts"] != json.Number("1") {
			t.Errorf("overrides of id/event_ts were replaced: %v %v", ev["id"], ev["event_ts"])
		}
	})
	t.Run("other values do not move", func(t *testing.T) {
		a := decode(t, mustGenerate(t, g, Request{Event: "calltransfer.completed", Seed: 8}).JSON)
		b := decode(t, mustGenerate(t, g, Request{Event: "calltransfer.completed", Seed: 8, Set: set("payload.room=x")}).JSON)
		a["payload"].(map[string]any)["room"] = "x"
		if string(appendJSON(nil, fromJSON(a))) != string(appendJSON(nil, fromJSON(b))) {
			t.Errorf("an override changed other values:\n%v\n%v", a, b)
		}
	})
	t.Run("invalid override names the violation", func(t *testing.T) {
		_, err := g.Generate(Request{Event: "calltransfer.triggered", Seed: 1, Set: set("payload.is_sip_refer=maybe")})
		var oe *OverrideError
		if !errors.As(err, &oe) {
			t.Fatalf("want *OverrideError, got %v", err)
		}
		if !strings.Contains(err.Error(), "payload.is_sip_refer") || !strings.Contains(err.Error(), "/payload/is_sip_refer: got string, want boolean") {
			t.Errorf("message should name the key, the pointer and the reason: %v", err)
		}
	})
	t.Run("invalid override is fine when invalid output is asked for", func(t *testing.T) {
		res := mustGenerate(t, g, Request{Event: "calltransfer.triggered", Seed: 1, Set: set("payload.room="), Invalid: MissingRequired})
		if res.Invalid == nil {
			t.Fatal("no violation described")
		}
	})
	t.Run("impossible path", func(t *testing.T) {
		if _, err := g.Generate(Request{Event: "calltransfer.triggered", Seed: 1, Set: set("version.x=1")}); err == nil || !strings.Contains(err.Error(), `"version.x"`) {
			t.Errorf("want an error naming the key, got %v", err)
		}
	})
}
