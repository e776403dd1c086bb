package scenario_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/scenario"
	"github.com/hookmock/hookmock/spec"
)

// genEmitter generates each event in memory: the scenario package's own
// tests need no HTTP (the mock server's suite plays them at a consumer).
type genEmitter struct{ g *generator.Generator }

func (e genEmitter) Emit(_ context.Context, em scenario.Emission) (scenario.Emitted, error) {
	req := generator.Request{Event: em.Event, Seed: em.Seed, Call: em.Call, Set: em.Set}
	res, err := e.g.Generate(req)
	if err != nil {
		return scenario.Emitted{}, err
	}
	return scenario.Emitted{Body: res.JSON}, nil
}

func daily(t testing.TB) *spec.Spec {
	t.Helper()
	s, err := spec.Default()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// play plans and plays sc on a fresh virtual clock at Daily's epoch.
func play(t testing.TB, sc *scenario.Scenario, opts scenario.PlanOptions) *scenario.Run {
	t.Helper()
	plan, err := sc.Plan(opts)
	if err != nil {
		t.Fatal(err)
	}
	clock := clock.NewVirtual(generator.Epoch)
	p := scenario.Player{Clock: clock, Advance: true, Emitter: genEmitter{generator.New(daily(t), generator.WithClock(clock))}}
	run, err := p.Play(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func builtin(t testing.TB, name string) *scenario.Scenario {
	t.Helper()
	sc, err := scenario.Builtin(name, scenario.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func decode(t testing.TB, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func types(t testing.TB, run *scenario.Run) []string {
	var out []string
	for _, e := range run.Events {
		out = append(out, decode(t, e.Body)["type"].(string))
	}
	return out
}

func TestBuiltinsLoadAndDescribeThemselves(t *testing.T) {
	names := scenario.BuiltinNames()
	if strings.Join(names, " ") != "batch-processor dial-in dial-out meeting meeting-with-transcript pstn-transfer recording-error sip-call-transfer sip-refer streaming waiting-room" {
		t.Fatalf("built-ins %v", names)
	}
	for _, n := range names {
		sc := builtin(t, n)
		if sc.Name != n || sc.Description == "" || strings.Contains(sc.Description, "\n") {
			t.Errorf("%s: name %q description %q", n, sc.Name, sc.Description)
		}
	}
}

func TestSameSeedSameEventsAndTimestamps(t *testing.T) {
	for _, n := range scenario.BuiltinNames() {
		t.Run(n, func(t *testing.T) {
			a := play(t, builtin(t, n), scenario.PlanOptions{Seed: 7})
			b := play(t, builtin(t, n), scenario.PlanOptions{Seed: 7})
			c := play(t, builtin(t, n), scenario.PlanOptions{Seed: 8})
			if len(a.Events) != len(b.Events) {
				t.Fatalf("%d vs %d events", len(a.Events), len(b.Events))
			}
			for i := range a.Events {
				if !bytes.Equal(a.Events[i].Body, b.Events[i].Body) || !a.Events[i].At.Equal(b.Events[i].At) {
					t.Errorf("event %d differs:\n%s at %s\n%s at %s", i, a.Events[i].Body, a.Events[i].At, b.Events[i].Body, b.Events[i].At)
				}
			}
			if bytes.Equal(a.Events[0].Body, c.Events[0].Body) {
				t.Error("another seed gave the same first event")
			}
		})
	}
}

// The built-ins' sequences, correlation and timing, in memory; the mock
// server's suite checks the same at a real consumer.
func TestBuiltinSequences(t *testing.T) {
	cases := []struct {
		name string
		vars map[string]any
		want string
	}{
		{"sip-call-transfer", nil, "participant.joined calltransfer.triggered calltransfer.initiated participant.left dialin.stopped calltransfer.answered calltransfer.completed"},
		{"sip-refer", nil, "participant.joined calltransfer.triggered calltransfer.initiated participant.left dialin.stopped"},
		{"sip-refer", map[string]any{"referEmitsAnswered": "true"}, "participant.joined calltransfer.triggered calltransfer.initiated participant.left dialin.stopped calltransfer.answered calltransfer.completed"},
		{"pstn-transfer", nil, "participant.joined calltransfer.triggered calltransfer.initiated participant.left dialout.stopped calltransfer.answered calltransfer.completed"},
		{"pstn-transfer", map[string]any{"fromDialIn": true}, "participant.joined calltransfer.triggered calltransfer.initiated participant.left dialin.stopped calltransfer.answered calltransfer.completed"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.name, c.vars), func(t *testing.T) {
			for seed := range uint64(20) {
				run := play(t, builtin(t, c.name), scenario.PlanOptions{Seed: seed, Vars: c.vars})
				if got := strings.Join(types(t, run), " "); got != c.want {
					t.Fatalf("seed %d: %s", seed, got)
				}
				// Event 0 is the SIP participant's join, which has no
				// meeting session or endpoints: the transfer's first event
				// is the reference.
				first := decode(t, run.Events[1].Body)["payload"].(map[string]any)
				for i, e := range run.Events {
					p := decode(t, e.Body)["payload"].(map[string]any)
					for _, k := range []string{"room", "session_id", "mtg_session_id", "domain_id"} {
						if v, ok := p[k]; ok && v != first[k] {
							t.Fatalf("seed %d event %d: %s %v, first event %v", seed, i, k, v, first[k])
						}
					}
					if i > 0 && !e.At.After(run.Events[i-1].At) && e.After > 0 {
						t.Fatalf("seed %d: event %d not later than %d", seed, i, i-1)
					}
				}
				to := first["to_endpoint"].(string)
				if (c.name == "pstn-transfer") != scenario.IsE164(to) {
					t.Fatalf("%s to_endpoint %q", c.name, to)
				}
				if refer := first["is_sip_refer"].(bool); refer != (c.name == "sip-refer") {
					t.Fatalf("is_sip_refer %v", refer)
				}
			}
		})
	}
}

// Gaps fall in the documented ranges: ringing before answered, a call of
// seconds to minutes before completed.
func TestBuiltinGaps(t *testing.T) {
	for seed := range uint64(50) {
		run := play(t, builtin(t, "sip-call-transfer"), scenario.PlanOptions{Seed: seed})
		within := func(i int, lo, hi time.Duration) {
			if d := run.Events[i].After; d < lo || d > hi {
				t.Fatalf("seed %d: %s after %s, want %s..%s", seed, run.Events[i].Event, d, lo, hi)
			}
		}
		within(1, 10*time.Second, 5*time.Minute) // the call before the transfer
		within(2, 50*time.Millisecond, 500*time.Millisecond)
		within(5, 3*time.Second, 25*time.Second)
		within(6, 15*time.Second, 5*time.Minute)
		total := run.Events[6].At.Sub(run.Events[0].At)
		if total != run.Finished.Sub(run.Started) {
			t.Fatalf("the virtual clock moved %s, the steps add to %s", run.Finished.Sub(run.Started), total)
		}
	}
}

func TestRunVariablesSetTheCall(t *testing.T) {
	vars := map[string]any{"room": "sales-escalation", "sessionId": "07efe77a-74e8-4e69-81b0-41ca454c06e0", "toEndpoint": "sip:agent@pbx.example.net"}
	run := play(t, builtin(t, "sip-call-transfer"), scenario.PlanOptions{Seed: 1, Vars: vars})
	for _, e := range run.Events {
		p := decode(t, e.Body)["payload"].(map[string]any)
		if p["room"] != "sales-escalation" || p["session_id"] != vars["sessionId"] {
			t.Fatalf("%s", e.Body)
		}
		if to, ok := p["to_endpoint"]; ok && to != vars["toEndpoint"] {
			t.Fatalf("to_endpoint %v", to)
		}
	}
	sc := builtin(t, "sip-call-transfer")
	for _, bad := range []map[string]any{
		{"sessionId": "abc"},
		{"toEndpoint": "agent"},
		{"referEmitsAnswered": true},
	} {
		if _, err := sc.Plan(scenario.PlanOptions{Vars: bad}); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if _, err := builtin(t, "sip-refer").Plan(scenario.PlanOptions{Vars: map[string]any{"referEmitsAnswered": "maybe"}}); err == nil ||
		!strings.Contains(err.Error(), "vars.referEmitsAnswered: want true or false") {
		t.Errorf("got %v", err)
	}
}

func TestSpeedAndDelayParsing(t *testing.T) {
	for in, want := range map[string]string{"10x": "10x", "0.5x": "0.5x", "instant": "instant", "": "1x", "realtime": "1x"} {
		s, err := scenario.ParseSpeed(in)
		if err != nil || s.String() != want {
			t.Errorf("%q: %v %v", in, s, err)
		}
	}
	for _, bad := range []string{"0x", "-2x", "fast", "NaNx"} {
		if _, err := scenario.ParseSpeed(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if d, err := scenario.ParseDelay("2s..8s"); err != nil || d.Min != 2*time.Second || d.Max != 8*time.Second {
		t.Errorf("%v %v", d, err)
	}
	for _, bad := range []string{"8s..2s", "2", "-1s", "1s..", "soon"} {
		if _, err := scenario.ParseDelay(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// timedEmitter counts the time spent emitting, so that a pacing test
// measures the player's waits and not how fast events generate (slow under
// -race on a busy machine).
type timedEmitter struct {
	inner scenario.Emitter
	spent *time.Duration
}

func (e timedEmitter) Emit(ctx context.Context, em scenario.Emission) (scenario.Emitted, error) {
	start := time.Now()
	out, err := e.inner.Emit(ctx, em)
	*e.spent += time.Since(start)
	return out, err
}

// A real clock plays in real time, scaled by the speed.
func TestRealClockSpeed(t *testing.T) {
	sc, err := scenario.Parse("fast.yaml", []byte(`
name: fast
description: two events 400ms apart
steps:
  - event: calltransfer.triggered
  - event: calltransfer.initiated
    after: 400ms
`), scenario.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		speed  string
		lo, hi time.Duration
	}{{"10x", 40 * time.Millisecond, 400 * time.Millisecond}, {"instant", 0, 30 * time.Millisecond}} {
		plan, _ := sc.Plan(scenario.PlanOptions{Seed: 1})
		sp, _ := scenario.ParseSpeed(c.speed)
		var emitting time.Duration
		p := scenario.Player{Clock: clock.Real{}, Speed: sp, Emitter: timedEmitter{genEmitter{generator.New(daily(t))}, &emitting}}
		start := time.Now()
		if _, err := p.Play(context.Background(), plan); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start) - emitting; d < c.lo || d > c.hi {
			t.Errorf("%s waited %s (besides %s emitting), want %s..%s", c.speed, d, emitting, c.lo, c.hi)
		}
	}
}

func TestAPlanPlaysOnce(t *testing.T) {
	plan, err := builtin(t, "sip-refer").Plan(scenario.PlanOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	clock := clock.NewVirtual(generator.Epoch)
	p := scenario.Player{Clock: clock, Advance: true, Emitter: genEmitter{generator.New(daily(t), generator.WithClock(clock))}}
	if _, err := p.Play(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Play(context.Background(), plan); err == nil {
		t.Fatal("a plan played twice")
	}
}

func TestCancelStopsTheRun(t *testing.T) {
	plan, _ := builtin(t, "sip-call-transfer").Plan(scenario.PlanOptions{Seed: 1})
	clock := clock.NewVirtual(generator.Epoch)
	ctx, cancel := context.WithCancel(context.Background())
	p := scenario.Player{Clock: clock, Emitter: genEmitter{generator.New(daily(t), generator.WithClock(clock))}}
	done := make(chan error)
	go func() {
		_, err := p.Play(ctx, plan)
		done <- err
	}()
	// The first event has no delay; the player then waits on the clock.
	if err := clock.BlockUntil(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("got %v", err)
	}
}

// BenchmarkPlaySIPCallTransfer plans and plays the six-event built-in on a
// virtual clock, generating each event in memory.
func BenchmarkPlaySIPCallTransfer(b *testing.B) {
	sc := builtin(b, "sip-call-transfer")
	s := daily(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		plan, err := sc.Plan(scenario.PlanOptions{Seed: uint64(i)})
		if err != nil {
			b.Fatal(err)
		}
		clock := clock.NewVirtual(generator.Epoch)
		p := scenario.Player{Clock: clock, Advance: true, Emitter: genEmitter{generator.New(s, generator.WithClock(clock))}}
		if _, err := p.Play(context.Background(), plan); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseBuiltin is the cost of loading and checking a scenario.
func BenchmarkParseBuiltin(b *testing.B) {
	for b.Loop() {
		builtin(b, "sip-call-transfer")
	}
}
