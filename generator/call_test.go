package generator

import (
	"strconv"
	"testing"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/spec"
)

func TestCallCorrelatesASeries(t *testing.T) {
	clock := clock.NewVirtual(Epoch)
	g := New(dailySpec(t), WithClock(clock))
	call := NewCall(7)
	var first map[string]any
	last := int64(0)
	for i, e := range []string{"calltransfer.triggered", "calltransfer.initiated", "calltransfer.answered", "calltransfer.completed", "calltransfer.completed"} {
		if i == 2 {
			clock.Advance(30 * time.Second)
		}
		ev := decode(t, mustGenerate(t, g, Request{Event: e, Seed: uint64(100 + i), Call: call}).JSON)
		p := ev["payload"].(map[string]any)
		ts, _ := strconv.ParseInt(p["timestamp"].(string), 10, 64)
		if ts <= last {
			t.Fatalf("%s: timestamp %d does not increase (previous %d)", e, ts, last)
		}
		last = ts
		if i == 2 && ts != Epoch.Unix()+30 {
			t.Fatalf("the advanced clock was not used: %d", ts)
		}
		for _, k := range []string{"domain_id", "room", "session_id", "mtg_session_id", "to_endpoint", "from_endpoint"} {
			if first == nil {
				continue
			}
			if p[k] != first[k] {
				t.Fatalf("%s: %s %v differs from the call's %v", e, k, p[k], first[k])
			}
		}
		if v, ok := p["is_sip_refer"]; ok && v != call.IsSIPRefer {
			t.Fatalf("%s: is_sip_refer %v, call says %v", e, v, call.IsSIPRefer)
		}
		if first == nil {
			first = p
		}
	}
	if p := first; p["room"] != call.Room || p["session_id"] != call.SessionID {
		t.Fatalf("events do not carry the call's values")
	}
	if got, ok := call.Last(); !ok || got != last {
		t.Fatalf("Last() = %d, %v", got, ok)
	}
}

func TestNewCallIsDeterministic(t *testing.T) {
	a, b, c := NewCall(1), NewCall(1), NewCall(2)
	if a.SessionID != b.SessionID || a.Room != b.Room || a.ToEndpoint != b.ToEndpoint {
		t.Fatal("same seed, different call")
	}
	if a.SessionID == c.SessionID {
		t.Fatal("different seeds, same call")
	}
}

// A call value the contract rejects gives way to a generated one.
func TestCallValueRejectedBySchema(t *testing.T) {
	s, err := spec.LoadBytes("inline", []byte(`
openapi: 3.1.0
info: {title: t, version: "1"}
webhooks:
  hook:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [room, session_id]
              properties:
                room: {type: string, pattern: '^[0-9]{4}$'}
                session_id: {type: string}
`))
	if err != nil {
		t.Fatal(err)
	}
	call := NewCall(3)
	ev := decode(t, mustGenerate(t, New(s), Request{Event: "hook", Seed: 1, Call: call}).JSON)
	if ev["room"] == call.Room || ev["session_id"] != call.SessionID {
		t.Fatalf("room should be generated (call's %q breaks the pattern), session_id shared: %v", call.Room, ev)
	}
}

// A call's ids are cut from one buffer by appendUUID, which must say what
// gofakeit's UUID says for the same draws: other ids of an event still
// come from gofakeit.
func TestAppendUUIDIsGofakeits(t *testing.T) {
	for s := range uint64(1000) {
		a, b := newRNG(s), newRNG(s)
		if want, got := a.UUID(), string(appendUUID(nil, b)); got != want {
			t.Fatalf("seed %d: appendUUID %s, gofakeit %s", s, got, want)
		}
	}
}
