package mockserver

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/scenario"
	"github.com/hookmock/hookmock/mockserver/store"
)

// RunOptions tune one scenario run on the provider.
type RunOptions struct {
	// Seed makes the run reproducible; nil derives one from the server
	// seed, so that a server started with --seed replays its runs too.
	Seed *uint64
	// Vars override the scenario's variables and set call values (room,
	// sessionId, toEndpoint, …).
	Vars map[string]any
	// Set adds overrides by event name ("*": every event).
	Set map[string][]generator.Override
	// Faults are injected into every event of the run, on top of the
	// steps' own.
	Faults []Fault
	// Speed scales waits on a real clock.
	Speed scenario.Speed
	// Advance, under a virtual clock, has the run move the clock to each
	// step's time itself. Without it the run's gaps are virtual time like
	// any other: each step waits until the clock is advanced past it
	// (Clock().Advance, Drain, POST /_mock/clock/advance).
	Advance bool

	origin string // what started the run, for the runs list
}

// scenarioState is the provider's scenario bookkeeping: custom
// scenarios, runs, and the room-action error rules.
type scenarioState struct {
	mu         sync.Mutex
	custom     map[string]*scenario.Scenario
	runs       []*ScenarioRun
	seq        int
	actionErrs []ActionError
}

// maxRuns bounds the runs list; finished runs beyond it are forgotten.
const maxRuns = 200

func newScenarioState(errs []ActionError) *scenarioState {
	return &scenarioState{custom: map[string]*scenario.Scenario{}, actionErrs: append([]ActionError(nil), errs...)}
}

// ScenarioRun is a run started on the provider.
type ScenarioRun struct {
	ID       string
	Scenario string
	plan     *scenario.Plan
	origin   string
	done     chan struct{}

	mu     sync.Mutex
	status string
	err    error
	run    *scenario.Run
	events []scenario.Played
}

// Run states.
const (
	RunRunning     = "running"
	RunDone        = "done"
	RunFailed      = "failed"
	RunInterrupted = "interrupted"
)

// Done is closed when the run has ended.
func (r *ScenarioRun) Done() <-chan struct{} { return r.done }

// Wait returns the run's record once it has ended, or ctx's error.
func (r *ScenarioRun) Wait(ctx context.Context) (*scenario.Run, error) {
	select {
	case <-r.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.run, r.err
}

// ScenarioRunInfo is a run as the control API shows it.
type ScenarioRunInfo struct {
	ID       string             `json:"id"`
	Scenario string             `json:"scenario"`
	Origin   string             `json:"origin,omitempty"`
	Status   string             `json:"status"`
	Error    string             `json:"error,omitempty"`
	Seed     string             `json:"seed"`
	Vars     map[string]any     `json:"vars"`
	Planned  []scenario.Planned `json:"planned"`
	Events   []scenario.Played  `json:"events"`
}

// Info is a snapshot of the run.
func (r *ScenarioRun) Info() ScenarioRunInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	info := ScenarioRunInfo{ID: r.ID, Scenario: r.Scenario, Origin: r.origin, Status: r.status,
		Seed: strconv.FormatUint(r.plan.Seed, 10), Vars: r.plan.Vars, Planned: r.plan.Steps,
		Events: append([]scenario.Played{}, r.events...)}
	if r.err != nil {
		info.Error = r.err.Error()
	}
	return info
}

// AddScenario makes a scenario runnable by name through the control API;
// it replaces a custom one of the same name but not a built-in.
func (p *Provider) AddScenario(sc *scenario.Scenario) error {
	if err := p.addScenario(sc); err != nil {
		return err
	}
	if len(sc.Text) > 0 {
		p.putDoc(store.KindScenario, sc.Name, sc.Text)
	}
	return nil
}

func (p *Provider) addScenario(sc *scenario.Scenario) error {
	for _, n := range scenario.BuiltinNames() {
		if n == sc.Name {
			return fmt.Errorf("scenario %q: a built-in has that name", sc.Name)
		}
	}
	p.scen.mu.Lock()
	defer p.scen.mu.Unlock()
	if _, replace := p.scen.custom[sc.Name]; !replace {
		if err := p.opts.Limits.checkItems("uploaded scenarios", len(p.scen.custom)); err != nil {
			return err
		}
	}
	p.scen.custom[sc.Name] = sc
	return nil
}

// Scenarios lists the built-in and custom scenarios.
func (p *Provider) Scenarios() ([]*scenario.Scenario, error) {
	out, err := scenario.Builtins(p.scenarioOptions())
	if err != nil {
		return nil, err
	}
	p.scen.mu.Lock()
	defer p.scen.mu.Unlock()
	for _, n := range slices.Sorted(maps.Keys(p.scen.custom)) {
		out = append(out, p.scen.custom[n])
	}
	return out, nil
}

func (p *Provider) scenarioOptions() scenario.Options {
	return scenario.Options{Spec: p.spec}
}

// LoadScenario reads a scenario file checked against the served contract
// and the mock's fault kinds.
func (p *Provider) LoadScenario(path string) (*scenario.Scenario, error) {
	return scenario.LoadFile(path, p.scenarioOptions())
}

func (p *Provider) scenarioByName(name string) (*scenario.Scenario, error) {
	p.scen.mu.Lock()
	sc, ok := p.scen.custom[name]
	p.scen.mu.Unlock()
	if ok {
		return sc, nil
	}
	return scenario.Builtin(name, p.scenarioOptions())
}

// RunScenario plays a built-in or added scenario by name and returns when
// it has ended. Under a virtual clock it waits for the clock to reach
// each step (see RunOptions.Advance).
func (p *Provider) RunScenario(ctx context.Context, name string, opts RunOptions) (*scenario.Run, error) {
	sc, err := p.scenarioByName(name)
	if err != nil {
		return nil, err
	}
	return p.PlayScenario(ctx, sc, opts)
}

// PlayScenario plays sc and returns when it has ended, or when ctx ends,
// which stops it.
func (p *Provider) PlayScenario(ctx context.Context, sc *scenario.Scenario, opts RunOptions) (*scenario.Run, error) {
	r, err := p.startScenario(ctx, sc, opts)
	if err != nil {
		return nil, err
	}
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.run, r.err
}

// StartScenario plays sc in the background. The run ends by itself, or
// when the provider shuts down; WaitScenarios waits for every run.
func (p *Provider) StartScenario(sc *scenario.Scenario, opts RunOptions) (*ScenarioRun, error) {
	return p.startScenario(context.Background(), sc, opts)
}

func (p *Provider) startScenario(ctx context.Context, sc *scenario.Scenario, opts RunOptions) (*ScenarioRun, error) {
	plan, err := p.planRun(sc, opts)
	if err != nil {
		return nil, err
	}
	if p.engine.Stopping().Err() != nil {
		return nil, errClosed
	}
	r := &ScenarioRun{Scenario: sc.Name, plan: plan, origin: opts.origin, done: make(chan struct{}), status: RunRunning}
	if err := p.scen.addRunning(r, p.opts.Limits.MaxScenarioRuns); err != nil {
		return nil, err
	}
	player := &scenario.Player{Clock: p.clock, Speed: opts.Speed, Advance: opts.Advance, Busy: clock.Hold(p.clock),
		Emitter: &providerEmitter{p: p, faults: opts.Faults, paced: p.paced(opts)},
		OnEvent: func(e scenario.Played) {
			r.mu.Lock()
			r.events = append(r.events, e)
			r.mu.Unlock()
		}}
	// The run lives no longer than the provider: shutdown cancels the
	// engine's context, which ends any wait and refuses new events.
	runCtx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(p.engine.Stopping(), cancel)
	go func() {
		defer close(r.done)
		defer cancel()
		defer stop()
		run, err := player.Play(runCtx, plan)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.run, r.err, r.status = run, err, RunDone
		switch {
		case err != nil && (runCtx.Err() != nil || errors.Is(err, errClosed)):
			r.status = RunInterrupted
		case err != nil:
			r.status = RunFailed
			p.log.Warn("scenario run failed", "run", r.ID, "scenario", r.Scenario, "error", err)
		}
	}()
	return r, nil
}

func withVar(vars map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(vars)+1)
	for key, val := range vars {
		out[key] = val
	}
	out[k] = v
	return out
}

func (s *scenarioState) add(r *ScenarioRun) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addLocked(r)
}

func (s *scenarioState) addLocked(r *ScenarioRun) {
	s.seq++
	r.ID = "run_" + strconv.Itoa(s.seq)
	s.runs = append(s.runs, r)
	if len(s.runs) > maxRuns {
		kept := s.runs[:0]
		drop := len(s.runs) - maxRuns
		for _, x := range s.runs {
			select {
			case <-x.done:
				if drop > 0 {
					drop--
					continue
				}
			default:
			}
			kept = append(kept, x)
		}
		s.runs = kept
	}
}

// ScenarioRuns lists the runs, oldest first (the latest 200, and every
// run still going).
func (p *Provider) ScenarioRuns() []*ScenarioRun {
	p.scen.mu.Lock()
	defer p.scen.mu.Unlock()
	return append([]*ScenarioRun(nil), p.scen.runs...)
}

// ScenarioRun returns one run by id.
func (p *Provider) ScenarioRun(id string) (*ScenarioRun, bool) {
	for _, r := range p.ScenarioRuns() {
		if r.ID == id {
			return r, true
		}
	}
	return nil, false
}

// WaitScenarios waits until every run started so far has ended.
func (p *Provider) WaitScenarios(ctx context.Context) error {
	for _, r := range p.ScenarioRuns() {
		select {
		case <-r.done:
		case <-ctx.Done():
			return fmt.Errorf("scenario run %s still going: %w", r.ID, ctx.Err())
		}
	}
	return nil
}

// planRun checks a run's options against the limits and plans it.
func (p *Provider) planRun(sc *scenario.Scenario, opts RunOptions) (*scenario.Plan, error) {
	if err := p.checkRun(opts); err != nil {
		return nil, err
	}
	seed := uint64(0)
	if opts.Seed != nil {
		seed = *opts.Seed
	} else {
		seed = p.events.nextSeed()
	}
	po := scenario.PlanOptions{Seed: seed, Vars: opts.Vars, Set: opts.Set, Spec: p.spec}
	if _, given := opts.Vars[scenario.VarDomainID]; !given {
		// Events carry the domain the webhooks belong to.
		po.Vars = withVar(opts.Vars, scenario.VarDomainID, p.hooks.DomainID())
	}
	plan, err := sc.Plan(po)
	if err != nil {
		return nil, &apiError{Status: 400, Kind: errInvalidRequest, Info: err.Error()}
	}
	return plan, nil
}
