package scenario

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/spec"
)

// PlanOptions choose one playing of a scenario.
type PlanOptions struct {
	// Seed decides the delays, branches, call values and event contents.
	Seed uint64
	// Vars override declared variables and set call values (room,
	// sessionId, mtgSessionId, domainId, fromEndpoint, toEndpoint).
	// Strings are converted to a declared variable's type, so values from
	// a command line or a query string work.
	Vars map[string]any
	// Set adds overrides by event name; "*" applies to every event.
	Set map[string][]generator.Override
	// Faults are added to every step's own.
	Faults []wire.Fault
	// Spec, when set, checks Set's keys against the events' schemas: a
	// key no event declares is refused as a typo.
	Spec *spec.Spec
}

// Plan is a scenario with every random choice made: what a Player plays.
type Plan struct {
	Scenario *Scenario
	Seed     uint64
	// Vars are the values in effect, declared and call variables alike.
	Vars   map[string]any
	Steps  []Planned
	calls  []*generator.Call
	extra  map[string][]generator.Override
	played atomic.Bool
}

// Planned is one event to emit.
type Planned struct {
	Index int    `json:"index"`
	Event string `json:"event"`
	// Step is where the step is written.
	Step  string        `json:"step"`
	After time.Duration `json:"afterNs"`
	// Seed generates the event's contents.
	Seed   uint64 `json:"seed"`
	Faults Faults `json:"faults,omitempty"`
	// Call indexes the plan's call contexts.
	Call int `json:"call"`
	// Participant is the meeting participant the event is about (0: the
	// call's own session).
	Participant int `json:"participant,omitempty"`
	// DelayMs is Daily's sending delay, event_ts − timestamp, for the
	// ${eventTs} template.
	DelayMs int64 `json:"-"`
	set     []Override
	pos     Pos
}

// Call returns the plan's i-th call context.
func (p *Plan) Call(i int) *generator.Call { return p.calls[i] }

// Calls returns how many call contexts the plan uses.
func (p *Plan) Calls() int { return len(p.calls) }

var (
	uuidRe  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	sipRe   = regexp.MustCompile(`^sips?:[^\s@]+@[^\s@]+$`)
	e164Re  = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)
	callVal = map[string]func(string) error{
		VarRoom:         nonEmpty,
		VarSessionID:    isUUID,
		VarMtgSessionID: isUUID,
		VarDomainID:     isUUID,
		VarFromEndpoint: isEndpoint,
		VarToEndpoint:   isEndpoint,
	}
)

func nonEmpty(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("empty")
	}
	return nil
}

func isUUID(s string) error {
	if !uuidRe.MatchString(s) {
		return fmt.Errorf("%q is not a uuid", s)
	}
	return nil
}

func isEndpoint(s string) error {
	if !IsSIPURI(s) && !IsE164(s) {
		return fmt.Errorf("%q is neither a SIP URI (sip:user@host) nor an E.164 number (+15550100)", s)
	}
	return nil
}

// IsUUID reports whether s is a uuid (any version), as Daily's session ids are.
func IsUUID(s string) bool { return uuidRe.MatchString(s) }

// IsSIPURI reports whether s is a sip: or sips: URI with a user and a host.
func IsSIPURI(s string) bool { return sipRe.MatchString(s) }

// IsE164 reports whether s is an E.164 phone number.
func IsE164(s string) bool { return e164Re.MatchString(s) }

// Plan makes every random choice of one playing, deterministically from
// opts.Seed: the same scenario, seed and variables give the same plan.
func (s *Scenario) Plan(opts PlanOptions) (*Plan, error) {
	vars, err := s.resolveVars(opts.Vars)
	if err != nil {
		return nil, err
	}
	events := s.Events()
	for ev := range opts.Set {
		if ev != "*" && !slices.Contains(events, ev) {
			return nil, fmt.Errorf("set.%s: %s emits no such event (it emits %s; \"*\" means every event)", ev, s.Name, strings.Join(events, ", "))
		}
	}
	if opts.Spec != nil {
		if err := s.checkSet(opts.Spec, opts.Set); err != nil {
			return nil, err
		}
	}
	p := &Plan{Scenario: s, Seed: opts.Seed, Vars: vars, extra: opts.Set}
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5ce7a210))
	pl := &planner{p: p, rng: rng, vars: vars, faults: opts.Faults}
	for i := range s.Repeat {
		pl.newCall(i == 0)
		pl.walk(s.Steps)
	}
	return p, nil
}

// resolveVars merges run values into the declared defaults.
func (s *Scenario) resolveVars(given map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for _, v := range s.Vars {
		out[v.Name] = v.Default
	}
	names := make([]string, 0, len(given))
	for k := range given {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		val := given[k]
		if check, ok := callVal[k]; ok {
			str, isStr := val.(string)
			if !isStr {
				return nil, fmt.Errorf("vars.%s: want a string, got %v", k, val)
			}
			if err := check(str); err != nil {
				return nil, fmt.Errorf("vars.%s: %v", k, err)
			}
			out[k] = str
			continue
		}
		decl, ok := s.Var(k)
		if !ok {
			var known []string
			for _, v := range s.Vars {
				known = append(known, v.Name)
			}
			return nil, fmt.Errorf("vars.%s: %s declares no such variable (declared: %s; call values: %s)", k, s.Name,
				strings.Join(known, ", "), strings.Join(callVars, ", "))
		}
		conv, err := convert(val, decl.Default)
		if err != nil {
			return nil, fmt.Errorf("vars.%s: %v", k, err)
		}
		out[k] = conv
	}
	return out, nil
}

// convert gives val the type of def; strings from a command line are parsed.
func convert(val, def any) (any, error) {
	switch def.(type) {
	case bool:
		switch x := val.(type) {
		case bool:
			return x, nil
		case string:
			b, err := strconv.ParseBool(x)
			if err != nil {
				return nil, fmt.Errorf("want true or false, got %q", x)
			}
			return b, nil
		}
		return nil, fmt.Errorf("want true or false, got %v", val)
	case json.Number:
		switch x := val.(type) {
		case json.Number:
			return x, nil
		case float64:
			return json.Number(strconv.FormatFloat(x, 'f', -1, 64)), nil
		case int:
			return json.Number(strconv.Itoa(x)), nil
		case string:
			if _, err := strconv.ParseFloat(x, 64); err == nil {
				return json.Number(x), nil
			}
		}
		return nil, fmt.Errorf("want a number, got %v", val)
	}
	return fmt.Sprint(val), nil
}

type planner struct {
	p      *Plan
	rng    *rand.Rand
	vars   map[string]any
	faults []wire.Fault
	call   int
}

// newCall makes a call context. The first one takes the run's call
// values; later ones keep the room and domain (a new transfer in the
// same room) and get new sessions and endpoints.
func (pl *planner) newCall(first bool) {
	c := generator.NewCall(pl.rng.Uint64())
	spec := pl.p.Scenario.Call
	c.IsSIPRefer = spec.IsSIPRefer
	c.FromEndpoint = pl.endpoint(c.FromEndpoint, spec.From, c.FromEndpoint)
	c.ToEndpoint = pl.endpoint(c.ToEndpoint, spec.To, c.FromEndpoint)
	str := func(k string) (string, bool) {
		v, ok := pl.vars[k].(string)
		return v, ok
	}
	if len(pl.p.calls) > 0 {
		prev := pl.p.calls[0]
		c.Room, c.DomainID = prev.Room, prev.DomainID
	} else {
		if v, ok := str(VarRoom); ok {
			c.Room = v
		}
		if v, ok := str(VarDomainID); ok {
			c.DomainID = v
		}
	}
	if first {
		for k, dst := range map[string]*string{VarSessionID: &c.SessionID, VarMtgSessionID: &c.MtgSessionID,
			VarFromEndpoint: &c.FromEndpoint, VarToEndpoint: &c.ToEndpoint} {
			if v, ok := str(k); ok {
				*dst = v
			}
		}
	}
	pl.p.calls = append(pl.p.calls, c)
	pl.call = len(pl.p.calls) - 1
}

// endpoint makes the generated endpoint the wanted kind; a SIP endpoint
// shares the other endpoint's host, as in Daily's examples.
func (pl *planner) endpoint(cur, kind, other string) string {
	switch {
	case kind == "e164" && !IsE164(cur):
		return "+1" + strconv.Itoa(201+pl.rng.IntN(789)) + "55501" + strconv.Itoa(10+pl.rng.IntN(90))
	case kind == "sip" && !IsSIPURI(cur):
		host := "sip.example.com"
		if _, h, ok := strings.Cut(other, "@"); ok {
			host = h
		}
		return "sip:user-" + string(rune('a'+pl.rng.IntN(26))) + "@" + host
	}
	return cur
}

func (pl *planner) holds(when string) bool {
	if when == "" {
		return true
	}
	name, negate := strings.CutPrefix(when, "!")
	b, _ := pl.vars[name].(bool)
	return b != negate
}

func (pl *planner) walk(steps []Step) {
	for _, st := range steps {
		if !pl.holds(st.When) {
			continue
		}
		if len(st.Branches) > 0 {
			pl.branch(st)
			continue
		}
		if st.NewCall {
			pl.newCall(false)
		}
		for range st.Repeat {
			pl.p.Steps = append(pl.p.Steps, Planned{
				Index:       len(pl.p.Steps),
				Event:       st.Event,
				Step:        st.Pos.String(),
				After:       pl.sample(st.After),
				Seed:        pl.rng.Uint64(),
				Faults:      append(append(Faults(nil), st.Faults...), pl.faults...),
				Call:        pl.call,
				Participant: st.Participant,
				DelayMs:     minSendDelayMs + pl.rng.Int64N(maxSendDelayMs-minSendDelayMs+1),
				set:         st.Set,
				pos:         st.Pos,
			})
		}
	}
}

// A branch point's own delay runs before the chosen branch's first step.
func (pl *planner) branch(st Step) {
	wait := pl.sample(st.After)
	r := pl.rng.Float64()
	acc := 0.0
	for _, b := range st.Branches {
		acc += b.Probability
		if r < acc {
			n := len(pl.p.Steps)
			pl.walk(b.Steps)
			if len(pl.p.Steps) > n {
				pl.p.Steps[n].After += wait
			}
			return
		}
	}
}

// Daily's event_ts is "slightly later" than the event; its examples are
// 0.25 s and 0.552 s apart. The same bounds as the generator's.
const (
	minSendDelayMs = 50
	maxSendDelayMs = 900
)

func (pl *planner) sample(d Delay) time.Duration {
	if d.Max <= d.Min {
		return d.Min
	}
	// Whole milliseconds: the plan prints well and replays exactly.
	span := int64((d.Max - d.Min) / time.Millisecond)
	return d.Min + time.Duration(pl.rng.Int64N(span+1))*time.Millisecond
}

// Faults are a step's faults; the run record writes them in ParseFaults
// syntax, as a scenario file does.
type Faults []wire.Fault

func (fs Faults) MarshalJSON() ([]byte, error) {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Syntax()
	}
	return json.Marshal(names)
}

func (fs *Faults) UnmarshalJSON(data []byte) error {
	var names []string
	if err := json.Unmarshal(data, &names); err != nil {
		return err
	}
	parsed, err := wire.ParseFaults(strings.Join(names, ","))
	*fs = parsed
	return err
}
