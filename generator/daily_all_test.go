package generator

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/spec"
)

// dailySeeds is how many seeds each of Daily's 33 event types is
// generated with. Under the race detector generation and validation are
// about ten times slower, so fewer seeds keep the suite's -race run short;
// without it the full 1,000 run.
func dailySeeds() uint64 {
	if raceEnabled {
		return 100
	}
	return 1000
}

// Property: every event type of the Daily contract, for 1,000 seeds,
// passes the project's validator and a second, independent route
// (encoding/json decoding and a separately compiled schema), and looks
// like Daily's: its id follows the catalogue's pattern, rooms are 20
// letters and digits, ids are UUIDs, times and durations agree.
func TestDailyEveryEventProperty(t *testing.T) {
	s := dailySpec(t)
	if len(s.Events) != 33 {
		t.Fatalf("%d events, want Daily's 33", len(s.Events))
	}
	g := New(s)
	for _, e := range s.Events {
		second, err := s.SchemaValidator(e.Body.Ptr)
		if err != nil {
			t.Fatal(err)
		}
		tmpl, ok := dailyIDs[e.Type]
		if !ok {
			t.Fatalf("%s: no id pattern", e.Type)
		}
		prefix, _, _ := strings.Cut(tmpl, "{")
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			for seed := range dailySeeds() {
				res, err := g.Generate(Request{Event: e.Name, Seed: seed})
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				fail := func(f string, a ...any) {
					t.Fatalf("seed %d: "+f+"\n%s", append(append([]any{seed}, a...), res.JSON)...)
				}
				if vs, err := s.Validate(e, res.JSON); err != nil || len(vs) > 0 {
					fail("project validator: %v %v", err, vs)
				}
				dec := json.NewDecoder(bytes.NewReader(res.JSON))
				dec.UseNumber()
				var v any
				if err := dec.Decode(&v); err != nil {
					fail("encoding/json: %v", err)
				}
				if vs := second.Validate(v); len(vs) > 0 {
					fail("encoding/json + compiled schema: %v", vs)
				}
				checkDailyLooks(e, v.(map[string]any), prefix, fail)
			}
		})
	}
}

func checkDailyLooks(e *spec.Event, ev map[string]any, idPrefix string, fail func(string, ...any)) {
	id, _ := ev["id"].(string)
	if !strings.HasPrefix(id, idPrefix) || len(id) <= len(idPrefix) {
		fail("id %q does not follow %s…", id, idPrefix)
	}
	p := ev["payload"].(map[string]any)
	eventTS := num(ev["event_ts"])
	for _, k := range []string{"room", "room_name"} {
		if r, ok := p[k].(string); ok && !isDailyRoom(r) {
			fail("%s %q is not a 20-character Daily room name", k, r)
		}
	}
	for _, k := range []string{"meeting_id", "mtg_session_id", "session_id", "domain_id", "instance_id", "recording_id", "room_id"} {
		if u, ok := p[k].(string); ok && !isV4UUID(u) {
			fail("%s %q is not a v4 UUID", k, u)
		}
		if u, ok := p[k].(string); ok && strings.Contains(idPrefix, "-") && k == idKey(e.Type) && !strings.Contains(id, u) {
			fail("id %q does not carry %s %s", id, k, u)
		}
	}
	switch e.Type {
	case "meeting.started":
		if st := num(p["start_ts"]); st > eventTS || eventTS-st > 1 {
			fail("start_ts %v is not just before event_ts %v", st, eventTS)
		}
	case "meeting.ended":
		st, end := num(p["start_ts"]), num(p["end_ts"])
		if st >= end || end > eventTS || eventTS-end > 21 {
			fail("start %v, end %v, event_ts %v: want start < end ≤ event_ts ≤ end+20 s", st, end, eventTS)
		}
	case "participant.left", "waiting-participant.left":
		if d, ok := p["duration"]; ok {
			joined := num(p["joined_at"])
			if gap := eventTS - (joined + num(d)); gap < 0 || gap > 1 {
				fail("joined_at %v + duration %v is not the leave, event_ts %v", joined, num(d), eventTS)
			}
		}
	case "recording.ready-to-download":
		st, d := num(p["start_ts"]), num(p["duration"])
		if d < 1 || st+d > eventTS+1 || eventTS-(st+d) > 1 {
			fail("start_ts %v + duration %v does not end at the event, %v", st, d, eventTS)
		}
		key, _ := p["s3_key"].(string)
		parts := strings.Split(key, "/")
		ms, err := strconv.ParseInt(parts[len(parts)-1], 10, 64)
		if len(parts) != 3 || parts[0] == "" || parts[1] != p["room_name"] || err != nil || ms/1000 != int64(st) {
			fail("s3_key %q is not <domain>/<room_name>/<start_ms>", key)
		}
	case "transcript.error", "transcript.ready-to-download":
		info, _ := p["info"].(map[string]any)
		if d, ok := p["duration"]; ok && info != nil && info["startTs"] != nil && info["endTs"] != nil {
			if diff := num(info["endTs"]) - num(info["startTs"]) - num(d); diff < -1 || diff > 1 {
				fail("info times and duration %v disagree", num(d))
			}
		}
	}
}

// idKey is the payload field whose value a type's id carries.
func idKey(typ string) string {
	tmpl := dailyIDs[typ]
	_, rest, ok := strings.Cut(tmpl, "{")
	if !ok {
		return ""
	}
	k, _, _ := strings.Cut(rest, "}")
	return k
}

func num(v any) float64 {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case string:
		f, _ := strconv.ParseFloat(x, 64)
		return f
	}
	return -1
}

// The documented forms switch: integer timestamps, Daily's documented
// (misspelt) recording.error action, snake_case transcript info.
func TestDailyDocumentedForms(t *testing.T) {
	s := dailySpec(t)
	for _, doc := range []bool{false, true} {
		var opts []Option
		if doc {
			opts = append(opts, WithDocumentedForms())
		}
		g := New(s, opts...)
		for seed := range uint64(20) {
			rec := decode(t, mustGenerate(t, g, Request{Event: "recording.error", Seed: seed}).JSON)["payload"].(map[string]any)
			wantAction := map[bool]string{false: "cloud-recording-error", true: "clourd-recording-err"}[doc]
			if rec["action"] != wantAction {
				t.Fatalf("documented=%v: action %v, want %s", doc, rec["action"], wantAction)
			}
			if _, isString := rec["timestamp"].(string); isString == doc {
				t.Fatalf("documented=%v: timestamp %#v", doc, rec["timestamp"])
			}
			info, _ := decode(t, mustGenerate(t, g, Request{Event: "transcript.error", Seed: seed}).JSON)["payload"].(map[string]any)["info"].(map[string]any)
			if info != nil {
				_, camel := info["instanceId"]
				_, snake := info["instance_id"]
				if camel == doc || snake != doc {
					t.Fatalf("documented=%v: info keys %v", doc, info)
				}
			}
			// Streaming examples and docs agree on integers.
			st := decode(t, mustGenerate(t, g, Request{Event: "streaming.started", Seed: seed}).JSON)["payload"].(map[string]any)
			if _, ok := st["timestamp"].(json.Number); !ok {
				t.Fatalf("streaming timestamp %#v is not an integer", st["timestamp"])
			}
		}
	}
}

// A meeting's events, generated through one Call, refer to each other.
func TestDailyMeetingCorrelates(t *testing.T) {
	s := dailySpec(t)
	vc := clock.NewVirtual(Epoch)
	g := New(s, WithClock(vc))
	call := NewCall(7)
	gen := func(ev string, c *Call) map[string]any {
		vc.Advance(3_000_000_000)
		return decode(t, mustGenerate(t, g, Request{Event: ev, Seed: uint64(len(ev)), Call: c}).JSON)
	}
	started := gen("meeting.started", call)["payload"].(map[string]any)
	alice, bob := call.Participant(1), call.Participant(2)
	if alice.SessionID == bob.SessionID || alice.SessionID == call.SessionID || call.Participant(1).SessionID != alice.SessionID {
		t.Fatal("participants are not distinct and stable")
	}
	ja := gen("participant.joined", alice)["payload"].(map[string]any)
	gen("participant.joined", bob)
	rec := gen("recording.started", alice)["payload"].(map[string]any)
	la := gen("participant.left", alice)
	lb := gen("participant.left", bob)
	ready := gen("recording.ready-to-download", call)["payload"].(map[string]any)
	ended := gen("meeting.ended", call)["payload"].(map[string]any)
	pa := la["payload"].(map[string]any)
	if ja["session_id"] != alice.SessionID || pa["session_id"] != alice.SessionID || pa["joined_at"] != ja["joined_at"] || ja["user_id"] != alice.Who().UserID {
		t.Errorf("alice's join and leave disagree: %v / %v", ja, pa)
	}
	if started["meeting_id"] != call.MtgSessionID || ended["meeting_id"] != call.MtgSessionID || started["room"] != ended["room"] {
		t.Errorf("meeting ids: %v, %v", started, ended)
	}
	if num(ended["start_ts"]) != float64(int64(num(started["start_ts"]))) || num(ended["end_ts"]) > num(lb["event_ts"]) || num(ended["end_ts"]) < num(la["event_ts"]) {
		t.Errorf("meeting.ended %v does not close the meeting started %v, last leave at %v", ended, started, lb["event_ts"])
	}
	if ready["recording_id"] != rec["recording_id"] || ready["start_ts"] != rec["start_ts"] || ready["max_participants"] != json.Number("2") {
		t.Errorf("recording: started %v, ready %v", rec, ready)
	}
}
