package generator

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
)

// Property: every calltransfer event, for 10,000 consecutive seeds, is
// valid on the first attempt and looks like Daily's own examples.
func TestCalltransferProperty(t *testing.T) {
	t.Parallel()
	s := dailySpec(t)
	g := New(s)
	// The full 10,000 without the race detector; under it, which makes
	// generation and validation about ten times slower, 1,000 keep the
	// -race suite to seconds here instead of half a minute per type.
	seeds := uint64(10_000)
	if raceEnabled {
		seeds = 1_000
	}
	abbr := map[string]string{
		"calltransfer.triggered": "trig", "calltransfer.initiated": "init",
		"calltransfer.answered": "ans", "calltransfer.completed": "completed",
	}
	// Plain checks rather than regular expressions: they run 40,000
	// times, under the race detector too.
	room := isDailyRoom
	sip, e164 := compilePattern(`^sips?:[a-z]+@[a-z]+\.[a-z.]+$`), compilePattern(`^\+1[2-9][0-9]{2}55501[0-9]{2}$`)
	for _, e := range s.Events {
		if _, ok := abbr[e.Type]; !ok {
			continue // the contract's other Daily events have other ids
		}
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			idPrefix := "3602-call-transfer-" + abbr[e.Type] + "-"
			for seed := uint64(0); seed < seeds; seed++ {
				res := mustGenerate(t, g, Request{Event: e.Name, Seed: seed})
				if res.attempts != 1 {
					t.Fatalf("seed %d needed %d attempts: a first attempt should always be valid for Daily", seed, res.attempts)
				}
				ev := decode(t, res.JSON)
				fail := func(format string, args ...any) {
					t.Helper()
					t.Fatalf("seed %d: "+format+"\n%s", append([]any{seed}, append(args, res.JSON)...)...)
				}
				p, _ := ev["payload"].(map[string]any)
				if ev["type"] != e.Type || ev["version"] != e.Version {
					fail("type/version %v/%v, want %s/%s", ev["type"], ev["version"], e.Type, e.Version)
				}
				ts, isString := p["timestamp"].(string)
				if !isString || len(ts) != 10 || strings.Trim(ts, "0123456789") != "" {
					fail("payload.timestamp %#v is not a 10-digit string", p["timestamp"])
				}
				if sid, _ := p["session_id"].(string); ev["id"] != idPrefix+sid+ts {
					fail("id %q does not follow %s<session_id><timestamp>", ev["id"], idPrefix)
				}
				checkEventTS(t, ev["event_ts"], ts, fail)
				for _, k := range []string{"domain_id", "session_id", "mtg_session_id"} {
					if v, _ := p[k].(string); !isV4UUID(v) {
						fail("%s %q is not a v4 uuid", k, v)
					}
				}
				if r, _ := p["room"].(string); !room(r) {
					fail("room %q does not look like a Daily room name", r)
				}
				for _, k := range []string{"from_endpoint", "to_endpoint"} {
					if v, _ := p[k].(string); !sip.matches(v) && !e164.matches(v) {
						fail("%s %q is neither a SIP URI nor an E.164 number", k, v)
					}
				}
			}
		})
	}
}

// isV4UUID checks the lower-case RFC 4122 version-4 form.
func isV4UUID(s string) bool {
	if !isUUID(s) || s[14] != '4' || !strings.ContainsRune("89ab", rune(s[19])) {
		return false
	}
	return strings.ToLower(s) == s
}

func checkEventTS(t *testing.T, v any, ts string, fail func(string, ...any)) {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		fail("event_ts %#v is not a number", v)
	}
	sec, _ := strconv.ParseInt(ts, 10, 64)
	f, err := n.Float64()
	if err != nil || f < float64(sec) || f >= float64(sec+1) {
		fail("event_ts %s is not within a second after timestamp %s", n, ts)
	}
	if i := strings.IndexByte(string(n), '.'); i >= 0 && len(n)-i-1 > 3 {
		fail("event_ts %s has more than three decimals", n)
	}
}

func TestDailyEnvelopeDetails(t *testing.T) {
	s := dailySpec(t)
	t.Run("integer timestamps", func(t *testing.T) {
		g := New(s, WithIntegerTimestamps())
		ev := decode(t, mustGenerate(t, g, Request{Event: "calltransfer.triggered", Seed: 1}).JSON)
		if _, ok := ev["payload"].(map[string]any)["timestamp"].(json.Number); !ok {
			t.Fatalf("timestamp %#v is not a JSON integer", ev["payload"].(map[string]any)["timestamp"])
		}
	})
	t.Run("timestamps come from the clock", func(t *testing.T) {
		at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		g := New(s, WithClock(clock.NewVirtual(at)))
		ev := decode(t, mustGenerate(t, g, Request{Event: "calltransfer.completed", Seed: 9}).JSON)
		if got := ev["payload"].(map[string]any)["timestamp"]; got != strconv.FormatInt(at.Unix(), 10) {
			t.Fatalf("timestamp %v, want the clock's %d", got, at.Unix())
		}
	})
	t.Run("key order follows the contract", func(t *testing.T) {
		raw := string(mustGenerate(t, New(s), Request{Event: "calltransfer.initiated", Seed: 3}).JSON)
		order := []string{`"version"`, `"type"`, `"id"`, `"payload"`, `"domain_id"`, `"room"`, `"timestamp"`,
			`"session_id"`, `"mtg_session_id"`, `"to_endpoint"`, `"from_endpoint"`, `"is_sip_refer"`, `"event_ts"`}
		last := -1
		for _, k := range order {
			i := strings.Index(raw, k)
			if i < last {
				t.Fatalf("%s is out of the contract's order in %s", k, raw)
			}
			last = i
		}
	})
	t.Run("event can be named by type", func(t *testing.T) {
		g := New(s)
		a := mustGenerate(t, g, Request{Event: "calltransfer.answered", Seed: 4})
		if a.Event.Name != "calltransfer.answered" {
			t.Fatalf("looked up %s", a.Event.Name)
		}
	})
}

func TestMillisNumber(t *testing.T) {
	for ms, want := range map[int64]string{
		1770005095250: "1770005095.25", 1770005095000: "1770005095", 1770005095007: "1770005095.007",
		1770005095900: "1770005095.9", 1770005095050: "1770005095.05",
	} {
		if got := millisNumber(ms); string(got) != want {
			t.Errorf("millisNumber(%d) = %s, want %s", ms, got, want)
		}
	}
}

func TestIDTemplates(t *testing.T) {
	d := &dailyPlan{}
	for typ, want := range map[string]string{
		"calltransfer.triggered": "3602-call-transfer-trig-S1770005095",
		"calltransfer.answered":  "3602-call-transfer-ans-S1770005095",
		"calltransfer.rejected":  "3602-call-transfer-rejected-S1770005095",
		"dialin.stopped":         "2868-dial-in-stop-S",
		"dialout.warning":        "2868-dial-out-warn-S",
		"transcript.error":       "3431-tra-err-J",
		"meeting.started":        "met-sta-M-1770005090",
		"participant.joined":     "ptcpt-join-S-1770005095250",
		"no.such":                "",
	} {
		payload := newObject(4)
		payload.add("session_id", "S")
		payload.add("id", "J")
		payload.add("meeting_id", "M")
		payload.add("start_ts", json.Number("1770005090.672"))
		d.id = idTemplate(typ)
		got, _ := d.makeID(&genCtx{r: newRNG(1), delayMs: 250}, payload, 1770005095)
		if got != want {
			t.Errorf("%s: id %q, want %q", typ, got, want)
		}
	}
	d.id = idTemplate("dialin.stopped")
	if _, ok := d.makeID(&genCtx{r: newRNG(1)}, newObject(0), 1); ok {
		t.Error("an id needing the session must not be made without one")
	}
}

// Daily's other envelopes (room events around a transfer) get ids that
// follow their own documented patterns.
func TestOtherDailyEnvelopes(t *testing.T) {
	s := dailySpec(t)
	g := New(s)
	for _, e := range s.Events {
		tmpl, ok := dailyIDs[e.Type]
		if !ok || strings.HasPrefix(e.Type, "calltransfer.") {
			continue
		}
		if rest := strings.NewReplacer("{session_id}", "", "{timestamp}", "").Replace(tmpl); strings.Contains(rest, "{") {
			continue // other placeholders: TestDailyIDsFollowTheCatalogue
		}
		ev := decode(t, mustGenerate(t, g, Request{Event: e.Name, Seed: 5}).JSON)
		p := ev["payload"].(map[string]any)
		sid, _ := p["session_id"].(string)
		want := strings.NewReplacer("{session_id}", sid, "{timestamp}", strconv.FormatInt(Epoch.Unix(), 10)).Replace(tmpl)
		if ev["id"] != want {
			t.Errorf("%s: id %v, want %s", e.Name, ev["id"], want)
		}
		checkEventTS(t, ev["event_ts"], strconv.FormatInt(Epoch.Unix(), 10), func(f string, a ...any) { t.Fatalf(f, a...) })
	}
}

// isDailyRoom: Daily's generated room names are 20 letters and digits.
func isDailyRoom(s string) bool {
	return len(s) == 20 && strings.Trim(s, roomAlphabet) == ""
}
