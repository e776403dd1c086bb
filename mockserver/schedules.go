package mockserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/seeds"
	"github.com/hookmock/hookmock/mockserver/schedule"
	"github.com/hookmock/hookmock/mockserver/store"
)

// schedules are the provider's running schedules and what each emits.
type schedules struct {
	run *schedule.Runner
	mu  sync.Mutex
	cfg map[string]ScheduleConfig
}

// ScheduleStatus is a schedule with what it emits, as GET /_mock/schedules
// shows it.
type ScheduleStatus struct {
	schedule.Status
	Event    string   `json:"event,omitempty"`
	Scenario string   `json:"scenario,omitempty"`
	RateText string   `json:"rate,omitempty"`
	Set      []string `json:"set,omitempty"`
	Faults   []string `json:"faults,omitempty"`
}

// startSchedules creates the scheduler and starts the configured
// schedules; NewProvider calls it last.
func (p *Provider) startSchedules() error {
	p.scheds = &schedules{run: schedule.NewRunner(p.clock, p.log), cfg: map[string]ScheduleConfig{}}
	for _, c := range p.opts.Schedules {
		if _, err := p.AddSchedule(c); err != nil {
			return err
		}
	}
	return nil
}

// AddSchedule starts a schedule. Errors name the field at fault, and for
// schedules from a config file its file, line and column.
func (p *Provider) AddSchedule(c ScheduleConfig) (ScheduleStatus, error) {
	s, em, ferr := p.compileSchedule(c)
	if ferr != nil {
		return ScheduleStatus{}, c.locate(ferr)
	}
	// Hold the lock across Add so that a firing's status never lacks its
	// config in a concurrent List.
	p.scheds.mu.Lock()
	defer p.scheds.mu.Unlock()
	if err := p.opts.Limits.checkItems("schedules", len(p.scheds.cfg)); err != nil {
		return ScheduleStatus{}, err
	}
	st, err := p.scheds.run.Add(s, em)
	if err != nil {
		if errors.Is(err, schedule.ErrStopped) {
			return ScheduleStatus{}, errClosed
		}
		return ScheduleStatus{}, c.locate(fieldErr("schedule", "%v", err))
	}
	c.ID = st.ID
	p.scheds.cfg[st.ID] = c
	return c.status(st), nil
}

func (p *Provider) compileSchedule(c ScheduleConfig) (schedule.Spec, schedule.Emitter, *fieldError) {
	s := schedule.Spec{ID: c.ID, Every: c.Every, Cron: c.Cron, Rate: c.Rate, Jitter: c.Jitter, Count: c.Count,
		Until: c.Until, Start: p.clock.Now(), Seed: p.seed}
	if c.UntilAfter > 0 {
		s.Until = s.Start.Add(c.UntilAfter)
	}
	if fe := p.opts.Limits.checkSchedule(c); fe != nil {
		return s, nil, fe
	}
	if c.Scenario != "" {
		if _, err := p.scenarioByName(c.Scenario); err != nil {
			return s, nil, fieldErr("scenario", "%v", err)
		}
		if err := c.checkBound(); err != nil {
			return s, nil, err
		}
		return s, &scenarioEmitter{p: p, c: c}, nil
	}
	if _, ok := p.spec.Lookup(c.Event); !ok {
		return s, nil, fieldErr("event", "no event %q; this mock serves %s", c.Event, strings.Join(p.eventTypes(), ", "))
	}
	if err := c.checkBound(); err != nil {
		return s, nil, err
	}
	return s, &eventEmitter{p: p, c: c}, nil
}

// checkBound refuses a schedule read from a body or a file with neither a
// count nor an until, unless it is explicitly unbounded.
func (c ScheduleConfig) checkBound() *fieldError {
	if c.needsBound && c.Count == 0 && c.Until.IsZero() && c.UntilAfter == 0 && !c.Unbounded {
		return fieldErr("count", "a schedule needs a bound: a count, an until (a time or a span such as 1h), or \"unbounded\": true to run until it is deleted")
	}
	return nil
}

// eventEmitter triggers one event per firing. Each firing's event seed
// comes from the server seed, the schedule and the firing number, so a
// schedule replays the same events whatever else runs beside it.
type eventEmitter struct {
	p *Provider
	c ScheduleConfig
}

func (em *eventEmitter) Emit(ctx context.Context, f schedule.Firing) error {
	_, err := em.p.Trigger(ctx, em.c.Event, WithSeed(firingSeed(em.p.seed, f)), WithSet(em.c.Set...), WithFaults(em.c.Faults...))
	return err
}

// scenarioEmitter starts one run of a scenario per firing and does not
// wait for it: a run lasts seconds to minutes, and the schedule's own
// timing must not stretch with it. Under a virtual clock the run's steps
// wait for the clock like the schedule does.
type scenarioEmitter struct {
	p *Provider
	c ScheduleConfig
}

func (em *scenarioEmitter) Emit(_ context.Context, f schedule.Firing) error {
	sc, err := em.p.scenarioByName(em.c.Scenario)
	if err != nil {
		return err
	}
	seed := firingSeed(em.p.seed, f)
	opts := RunOptions{Seed: &seed, Faults: em.c.Faults, origin: "schedule " + f.Schedule}
	if len(em.c.Set) > 0 {
		set, err := parseOverrides(em.c.Set)
		if err != nil {
			return err
		}
		opts.Set = map[string][]generator.Override{"*": set}
	}
	_, err = em.p.StartScenario(sc, opts)
	return err
}

func firingSeed(s uint64, f schedule.Firing) uint64 {
	// Halved, as when seeds were int64, so that schedules replay as before.
	return seeds.Derive(s, seeds.Uint(uint64(f.N)), seeds.Raw(f.Schedule)) >> 1
}

func (c ScheduleConfig) status(st schedule.Status) ScheduleStatus {
	out := ScheduleStatus{Status: st, Event: c.Event, Scenario: c.Scenario, RateText: c.RateText, Set: c.Set}
	for _, f := range c.Faults {
		out.Faults = append(out.Faults, f.Syntax())
	}
	return out
}

// Schedules lists the schedules, in the order they were added.
func (p *Provider) Schedules() []ScheduleStatus {
	p.scheds.mu.Lock()
	defer p.scheds.mu.Unlock()
	sts := p.scheds.run.List()
	out := make([]ScheduleStatus, len(sts))
	for i, st := range sts {
		out[i] = p.scheds.cfg[st.ID].status(st)
	}
	return out
}

// RemoveSchedule stops a schedule and returns its final status.
func (p *Provider) RemoveSchedule(id string) (ScheduleStatus, bool) {
	st, ok := p.scheds.run.Remove(id)
	if !ok {
		return ScheduleStatus{}, false
	}
	p.scheds.mu.Lock()
	defer p.scheds.mu.Unlock()
	c := p.scheds.cfg[id]
	delete(p.scheds.cfg, id)
	p.dropDoc(store.KindSchedule, id)
	return c.status(st), true
}

// PauseSchedule pauses (or, with paused false, resumes) a schedule: while
// paused, its firings fall due and are counted but emit nothing. The pause
// is not kept in the store: a restarted server runs the schedule again.
func (p *Provider) PauseSchedule(id string, paused bool) (ScheduleStatus, bool) {
	st, ok := p.scheds.run.SetPaused(id, paused)
	if !ok {
		return ScheduleStatus{}, false
	}
	p.scheds.mu.Lock()
	defer p.scheds.mu.Unlock()
	return p.scheds.cfg[id].status(st), true
}

// stopSchedules ends every schedule before the engine stops taking events.
func (p *Provider) stopSchedules() { p.scheds.run.Stop() }

func (p *Provider) routeSchedules(mux *http.ServeMux) {
	mux.HandleFunc("POST /_mock/schedules", p.postSchedule)
	mux.HandleFunc("GET /_mock/schedules", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"now": p.clock.Now().UTC(), "schedules": p.Schedules()})
	})
	pause := func(paused bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			st, ok := p.PauseSchedule(r.PathValue("id"), paused)
			if !ok {
				writeError(w, &apiError{Status: http.StatusNotFound, Kind: errNotFound, Info: fmt.Sprintf("id: no schedule %q", r.PathValue("id"))})
				return
			}
			writeJSON(w, http.StatusOK, st)
		}
	}
	mux.HandleFunc("POST /_mock/schedules/{id}/pause", pause(true))
	mux.HandleFunc("POST /_mock/schedules/{id}/resume", pause(false))
	mux.HandleFunc("DELETE /_mock/schedules/{id}", func(w http.ResponseWriter, r *http.Request) {
		st, ok := p.RemoveSchedule(r.PathValue("id"))
		if !ok {
			writeError(w, &apiError{Status: http.StatusNotFound, Kind: errNotFound, Info: fmt.Sprintf("id: no schedule %q", r.PathValue("id"))})
			return
		}
		writeJSON(w, http.StatusOK, st)
	})
}

func (p *Provider) postSchedule(w http.ResponseWriter, r *http.Request) {
	m, err := readJSONObject(w, r, p.opts.MaxBodyBytes, "event or scenario, and every, cron or rate")
	if err != nil {
		writeError(w, err)
		return
	}
	c, ferr := decodeSchedule(m)
	if ferr != nil {
		writeError(w, badRequest(ferr.Field, "%s", ferr.Msg))
		return
	}
	st, err := p.AddSchedule(c)
	var fe *fieldError
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		writeError(w, ae)
	case errors.Is(err, errClosed):
		writeError(w, &apiError{Status: http.StatusServiceUnavailable, Kind: "unavailable", Info: err.Error()})
	case errors.As(err, &fe):
		writeError(w, badRequest(fe.Field, "%s", fe.Msg))
	case err != nil:
		writeError(w, badRequest("schedule", "%v", err))
	default:
		// Kept, so that the schedule runs again after a restart.
		doc, _ := json.Marshal(m)
		p.putDoc(store.KindSchedule, st.ID, doc)
		writeJSON(w, http.StatusCreated, st)
	}
}

// parseOverrides reads a schedule's configured "key=value" overrides,
// which decodeSet has already checked.
func parseOverrides(kvs []string) ([]generator.Override, error) {
	out := make([]generator.Override, 0, len(kvs))
	for _, kv := range kvs {
		o, err := generator.ParseOverride(kv)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}
