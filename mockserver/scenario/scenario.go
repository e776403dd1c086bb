package scenario

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hookmock/hookmock/mockserver/wire"
)

// Scenario is a loaded, checked scenario.
type Scenario struct {
	Name        string
	Description string
	// Source is where it was loaded from: a file path or "builtin:<name>".
	Source string
	// Vars are the declared variables with their defaults, in file order.
	Vars []Var
	// Call says how the scenario's call context is made.
	Call CallSpec
	// Repeat plays the steps this many times, each time with a new call
	// in the same room (default 1).
	Repeat int
	Steps  []Step
	// Text is the YAML as written.
	Text []byte
}

// Var is a declared variable. Steps use it in `when` and in `${name}`
// templates; a run may override the default.
type Var struct {
	Name    string
	Default any // bool, string or json.Number
	Pos     Pos
}

// CallSpec shapes the generated call context.
type CallSpec struct {
	IsSIPRefer bool
	// From and To are the kinds of generated endpoints: "sip", "e164", or
	// "" for the generator's own mix.
	From, To string
}

// Step is one event, or a branch point when Branches is set.
type Step struct {
	Pos   Pos
	Event string // the contract's event name
	After Delay
	// Set overrides fields; values may hold ${var} templates.
	Set []Override
	// NewCall starts a new call context (new sessions, same room) here;
	// the following steps share it.
	NewCall bool
	// Participant makes the event about participant N (1..MaxParticipant)
	// of the call's meeting: its session_id, user_id and user_name. Zero
	// is the call's own session (the SIP participant of a transfer).
	Participant int
	Repeat      int
	// When names a bool variable that must be true ("!name": false) for
	// the step to play.
	When   string
	Faults []wire.Fault
	// Branches are alternatives, one of which is taken with its
	// probability; the rest of the probability mass takes none.
	Branches []Branch
}

// Branch is one alternative of a branch point.
type Branch struct {
	Pos         Pos
	Probability float64
	Steps       []Step
}

// Override is one `set:` entry.
type Override struct {
	Pos     Pos
	Key     string // as written: payload.room or /payload/room
	Pointer string
	node    *yaml.Node
}

// Delay is the wait after the previous step: fixed when Min == Max,
// otherwise drawn uniformly from [Min, Max].
type Delay struct{ Min, Max time.Duration }

func (d Delay) String() string {
	if d.Min == d.Max {
		return d.Min.String()
	}
	return d.Min.String() + ".." + d.Max.String()
}

// Pos is a place in a scenario file.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error is one problem in a scenario file.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Errors are all the problems found in one file, in file order.
type Errors []*Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// AsErrors returns the position errors inside err, if any.
func AsErrors(err error) Errors {
	var es Errors
	if errors.As(err, &es) {
		return es
	}
	var e *Error
	if errors.As(err, &e) {
		return Errors{e}
	}
	return nil
}

// VarWithJoin is the call-transfer built-ins' switch for the SIP
// participant's participant.joined before the transfer (default true).
const VarWithJoin = "withJoin"

// MaxParticipant bounds a step's participant number: a meeting in a
// scenario is a handful of people, and a typo should not make thousands.
const MaxParticipant = 50

// Names of the call-context variables every scenario can use in
// templates and a run can set.
const (
	VarRoom         = "room"
	VarSessionID    = "sessionId"
	VarMtgSessionID = "mtgSessionId"
	VarDomainID     = "domainId"
	VarFromEndpoint = "fromEndpoint"
	VarToEndpoint   = "toEndpoint"
)

// Per-event template variables, known only when the event is played.
const (
	// VarTimestamp is the event's Unix seconds as a digit string, never
	// before the call's previous event.
	VarTimestamp = "timestamp"
	// VarEventTS is the moment Daily sends the webhook, slightly after
	// the event, as fractional Unix seconds.
	VarEventTS = "eventTs"
)

var callVars = []string{VarRoom, VarSessionID, VarMtgSessionID, VarDomainID, VarFromEndpoint, VarToEndpoint}

var stepVars = []string{VarTimestamp, VarEventTS}

func isBuiltinVar(name string) bool {
	return slices.Contains(callVars, name) || slices.Contains(stepVars, name)
}

// Var returns the declared variable called name.
func (s *Scenario) Var(name string) (Var, bool) {
	for _, v := range s.Vars {
		if v.Name == name {
			return v, true
		}
	}
	return Var{}, false
}

// Events lists the event names the scenario may emit, in first-use order.
func (s *Scenario) Events() []string {
	var out []string
	seen := map[string]bool{}
	var walk func([]Step)
	walk = func(steps []Step) {
		for _, st := range steps {
			if st.Event != "" && !seen[st.Event] {
				seen[st.Event] = true
				out = append(out, st.Event)
			}
			for _, b := range st.Branches {
				walk(b.Steps)
			}
		}
	}
	walk(s.Steps)
	return out
}
