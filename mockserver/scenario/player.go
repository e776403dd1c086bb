package scenario

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/wire"
)

// Emission is one event for an Emitter to send.
type Emission struct {
	// Index is the event's position in the run.
	Index int
	// Step is where the step is written (file:line:col).
	Step  string
	Event string
	Seed  uint64
	Set   []generator.Override
	// Call correlates the event with the others of its call.
	Call   *generator.Call
	Faults []wire.Fault
	// At is the clock's reading when the event is emitted.
	At time.Time
}

// Emitted is what an Emitter did with one event.
type Emitted struct {
	ID   string
	Body []byte
	// Detail is the emitter's own record (deliveries, an HTTP exchange).
	Detail any
}

// Emitter sends the events of a scenario.
type Emitter interface {
	Emit(ctx context.Context, e Emission) (Emitted, error)
}

// Speed scales real-time waits.
type Speed struct {
	// Factor divides every wait on a real clock: 10 plays ten times faster.
	// Zero means 1.
	Factor float64
	// Instant skips the waits of a real clock altogether.
	Instant bool
}

// ParseSpeed reads "1x", "10x", "0.5x", "realtime" or "instant".
func ParseSpeed(s string) (Speed, error) {
	switch s = strings.TrimSpace(strings.ToLower(s)); s {
	case "", "realtime", "real-time":
		return Speed{Factor: 1}, nil
	case "instant":
		return Speed{Instant: true}, nil
	}
	f, err := strconv.ParseFloat(strings.TrimSuffix(s, "x"), 64)
	if err != nil || f <= 0 || f != f || f > 1e9 {
		return Speed{}, fmt.Errorf("speed %q: want a factor such as 10x or 0.5x, realtime, or instant", s)
	}
	return Speed{Factor: f}, nil
}

func (s Speed) String() string {
	if s.Instant {
		return "instant"
	}
	if s.Factor == 0 {
		return "1x"
	}
	return strconv.FormatFloat(s.Factor, 'f', -1, 64) + "x"
}

// Scale is the real time a wait of d takes at this speed.
func (s Speed) Scale(d time.Duration) time.Duration {
	if s.Factor == 0 || s.Factor == 1 {
		return d
	}
	return time.Duration(float64(d) / s.Factor)
}

// Player plays plans on a clock.
//
// On a clock.Virtual a step's delay is virtual time: the player
// waits for the clock to reach each step, as retries do, so time moves
// only when someone advances it; with Advance set it advances the clock
// itself, and a five-minute call plays at once with realistic timestamps.
// On a real clock it waits in real time, scaled by Speed.
type Player struct {
	Clock   clock.Clock
	Emitter Emitter
	Speed   Speed
	// Advance, on a virtual clock, moves the clock to each step's time
	// instead of waiting for it to get there.
	Advance bool
	// Busy, when set, is the run's mark on a virtual clock (from
	// clock.Hold), taken by whoever started the player so that an
	// advance does not pass the first step before the player waits for
	// it. Play releases it.
	Busy func()
	// OnEvent, when set, is called after each emission, in order.
	OnEvent func(Played)
}

// Run is the record of one playing.
type Run struct {
	Scenario string         `json:"scenario"`
	Seed     uint64         `json:"seed"`
	Vars     map[string]any `json:"vars"`
	Started  time.Time      `json:"started"`
	Finished time.Time      `json:"finished"`
	Events   []Played       `json:"events"`
}

// Played is one emitted event.
type Played struct {
	Planned
	At     time.Time       `json:"at"`
	ID     string          `json:"id"`
	Body   json.RawMessage `json:"body"`
	Detail any             `json:"detail,omitempty"`
}

// Play emits the plan's events in order. It returns the run so far with
// the first error, or when ctx ends.
func (p *Player) Play(ctx context.Context, plan *Plan) (*Run, error) {
	if !plan.played.CompareAndSwap(false, true) {
		// The call contexts remember their last timestamp: a second
		// playing would not replay the first. Plan again instead.
		return nil, fmt.Errorf("%s: this plan was already played; make a new one with the same seed", plan.Scenario.Name)
	}
	clk := p.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	busy := p.Busy
	if busy == nil {
		busy = func() {}
	}
	defer func() { busy() }()
	run := &Run{Scenario: plan.Scenario.Name, Seed: plan.Seed, Vars: plan.Vars, Started: clk.Now().UTC(), Events: []Played{}}
	defer func() { run.Finished = clk.Now().UTC() }()
	for _, st := range plan.Steps {
		var err error
		if busy, err = p.wait(ctx, clk, st.After, busy); err != nil {
			return run, fmt.Errorf("%s: %s interrupted before event %d: %w", st.Step, plan.Scenario.Name, st.Index, err)
		}
		at := clk.Now()
		em, err := plan.emission(st, at)
		if err != nil {
			return run, fmt.Errorf("%s: %s: %w", st.Step, st.Event, err)
		}
		out, err := p.Emitter.Emit(ctx, em)
		if err != nil {
			return run, fmt.Errorf("%s: %s: %w", st.Step, st.Event, err)
		}
		pl := Played{Planned: st, At: at.UTC(), ID: out.ID, Body: out.Body, Detail: out.Detail}
		run.Events = append(run.Events, pl)
		if p.OnEvent != nil {
			p.OnEvent(pl)
		}
	}
	return run, nil
}

// wait waits out one step's delay. busy is the player's mark on a
// virtual clock; wait returns the one to hold while the step is emitted.
func (p *Player) wait(ctx context.Context, clk clock.Clock, d time.Duration, busy func()) (func(), error) {
	if err := ctx.Err(); err != nil || d <= 0 {
		return busy, err
	}
	vc, virtual := clk.(*clock.Virtual)
	switch {
	case virtual && p.Advance:
		// An advance waits for everything busy: the player is not.
		busy()
		return func() {}, vc.AdvanceTo(ctx, vc.Now().Add(d))
	case virtual:
		t := clock.NewTimer(clk, d)
		busy()
		select {
		case <-t.C:
			return t.Done, nil
		case <-ctx.Done():
			t.Done()
			return func() {}, ctx.Err()
		}
	case p.Speed.Instant:
		return busy, nil
	}
	return busy, clk.Sleep(ctx, p.Speed.Scale(d))
}

// emission fills in the templates of one planned step.
func (plan *Plan) emission(st Planned, at time.Time) (Emission, error) {
	call := plan.calls[st.Call]
	if st.Participant > 0 {
		call = call.Participant(st.Participant)
	}
	vars := map[string]string{
		VarRoom: call.Room, VarSessionID: call.SessionID, VarMtgSessionID: call.MtgSessionID,
		VarDomainID: call.DomainID, VarFromEndpoint: call.FromEndpoint, VarToEndpoint: call.ToEndpoint,
	}
	for k, v := range plan.Vars {
		if _, isCall := callVal[k]; !isCall {
			vars[k] = fmt.Sprint(v)
		}
	}
	// Never before the call's previous event, as the generator stamps
	// calltransfer events, so that a series stays ordered.
	secs := at.Unix()
	if last, ok := call.Last(); ok && last > secs {
		secs = last
	}
	vars[VarTimestamp] = strconv.FormatInt(secs, 10)
	vars[VarEventTS] = millis(secs*1000 + st.DelayMs)
	sub := func(s string) string { return expand(s, vars) }
	em := Emission{Index: st.Index, Step: st.Step, Event: st.Event, Seed: st.Seed, Call: call,
		Faults: append([]wire.Fault(nil), st.Faults...), At: at}
	for _, o := range st.set {
		v, err := nodeValue(o.node, sub)
		if err != nil {
			return em, fmt.Errorf("%s: %v", o.Key, err)
		}
		ov, err := render(o.Pointer, v)
		if err != nil {
			return em, fmt.Errorf("%s: %v", o.Key, err)
		}
		em.Set = append(em.Set, ov)
	}
	for _, o := range plan.extra["*"] {
		// For every event: those that do not declare the field keep
		// their shape.
		o.IfDeclared = true
		em.Set = append(em.Set, o)
	}
	em.Set = append(em.Set, plan.extra[st.Event]...)
	return em, nil
}

// millis writes milliseconds as fractional seconds without trailing
// zeros, as Daily writes event_ts (1770005095.25).
func millis(ms int64) string {
	s := strconv.FormatInt(ms/1000, 10)
	if frac := ms % 1000; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%03d", frac), "0")
	}
	return s
}
