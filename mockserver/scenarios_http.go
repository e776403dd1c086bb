package mockserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/mockserver/scenario"
	"github.com/hookmock/hookmock/mockserver/wire"
)

// routeScenarios serves the scenario control API and Daily's room actions.
func (p *Provider) routeScenarios(mux *http.ServeMux) {
	mux.HandleFunc("GET /_mock/scenarios", p.listScenarios)
	mux.HandleFunc("GET /_mock/scenarios/{name}", p.getScenario)
	mux.HandleFunc("PUT /_mock/scenarios/{name}", p.putScenario)
	mux.HandleFunc("POST /_mock/scenarios/{name}/run", p.postScenarioRun)
	mux.HandleFunc("GET /_mock/scenarios/runs", p.listScenarioRuns)
	mux.HandleFunc("GET /_mock/scenarios/runs/{id}", p.getScenarioRun)
	p.routeActions(mux)
}

// scenarioSummary is a scenario in GET /_mock/scenarios.
type scenarioSummary struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Source      string         `json:"source"`
	Vars        map[string]any `json:"vars"`
	Events      []string       `json:"events"`
	YAML        string         `json:"yaml,omitempty"`
}

func summarize(sc *scenario.Scenario, withText bool) scenarioSummary {
	s := scenarioSummary{Name: sc.Name, Description: sc.Description, Source: sc.Source, Vars: map[string]any{}, Events: sc.Events()}
	for _, v := range sc.Vars {
		s.Vars[v.Name] = v.Default
	}
	if withText {
		s.YAML = string(sc.Text)
	}
	return s
}

func (p *Provider) listScenarios(w http.ResponseWriter, _ *http.Request) {
	all, err := p.Scenarios()
	if err != nil {
		writeError(w, err)
		return
	}
	out := make([]scenarioSummary, 0, len(all))
	for _, sc := range all {
		out = append(out, summarize(sc, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"scenarios": out})
}

func (p *Provider) getScenario(w http.ResponseWriter, r *http.Request) {
	sc, err := p.scenarioByName(r.PathValue("name"))
	if err != nil {
		writeError(w, &apiError{Status: http.StatusNotFound, Kind: errNotFound, Info: "name: " + err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, summarize(sc, true))
}

// putScenario adds a scenario written in YAML; errors name the line and
// column in the body.
func (p *Provider) putScenario(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	data, err := readBody(w, r, p.opts.MaxBodyBytes)
	if err != nil {
		writeError(w, err)
		return
	}
	sc, err := scenario.Parse(name+".yaml", data, p.scenarioOptions())
	if err != nil {
		writeError(w, badRequest("body", "%v", err))
		return
	}
	if sc.Name != name {
		writeError(w, badRequest("name", "the path says %q but the scenario is named %q", name, sc.Name))
		return
	}
	if err := p.AddScenario(sc); err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			writeError(w, ae)
			return
		}
		writeError(w, badRequest("name", "%v", err))
		return
	}
	writeJSON(w, http.StatusOK, summarize(sc, false))
}

// scenarioRunRequest is the body of POST /_mock/scenarios/{name}/run.
type scenarioRunRequest struct {
	Seed *json.Number   `json:"seed"`
	Vars map[string]any `json:"vars"`
	// Set is {"<event>|*": {"payload.x": value}} or {"<event>": ["payload.x=value"]}.
	Set map[string]json.RawMessage `json:"set"`
	// Faults is "dup,reorder" or ["dup", "stale:2h"].
	Faults json.RawMessage `json:"faults"`
	Speed  string          `json:"speed"`
	Wait   bool            `json:"wait"`
	// Advance, under a virtual clock, has the run advance the clock to
	// each step; by default the steps wait for the clock.
	Advance bool `json:"advance"`
	// WaitForClock is the default under a virtual clock; kept so that
	// requests written before advance existed still work.
	WaitForClock *bool `json:"waitForClock"`
}

func (p *Provider) postScenarioRun(w http.ResponseWriter, r *http.Request) {
	sc, err := p.scenarioByName(r.PathValue("name"))
	if err != nil {
		writeError(w, &apiError{Status: http.StatusNotFound, Kind: errNotFound, Info: "name: " + err.Error()})
		return
	}
	var req scenarioRunRequest
	if r.ContentLength != 0 {
		if err := readJSONInto(w, r, p.opts.MaxBodyBytes, &req, true, func(err error) *apiError {
			return badRequest("body", "%v (fields: seed, vars, set, faults, speed, wait, advance, waitForClock)", err)
		}); err != nil {
			writeError(w, err)
			return
		}
	}
	if err := p.opts.Limits.checkSetRaw("set", slices.Collect(maps.Values(req.Set))...); err != nil {
		writeError(w, err)
		return
	}
	opts, err := req.options()
	if err != nil {
		writeError(w, err)
		return
	}
	opts.origin = "POST /_mock/scenarios/" + sc.Name + "/run"
	if !req.Wait {
		run, err := p.StartScenario(sc, opts)
		if err != nil {
			writeRunError(w, err)
			return
		}
		writeJSON(w, http.StatusAccepted, run.Info())
		return
	}
	run, err := p.startScenario(r.Context(), sc, opts)
	if err != nil {
		writeRunError(w, err)
		return
	}
	// A waited-for run lasts as long as the scenario does, which may be
	// longer than server.writeTimeout: this route lifts its own deadline.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
	<-run.Done()
	writeJSON(w, http.StatusOK, run.Info())
}

func writeRunError(w http.ResponseWriter, err error) {
	if errors.Is(err, errClosed) {
		writeError(w, &apiError{Status: http.StatusServiceUnavailable, Kind: "unavailable", Info: err.Error()})
		return
	}
	writeError(w, err)
}

func (req *scenarioRunRequest) options() (RunOptions, error) {
	opts := RunOptions{Vars: req.Vars, Advance: req.Advance}
	if req.WaitForClock != nil && *req.WaitForClock == req.Advance {
		return opts, badRequest("advance", "waitForClock %t contradicts advance %t: a run either waits for the virtual clock (the default) or advances it", *req.WaitForClock, req.Advance)
	}
	if req.Seed != nil {
		s, err := strconv.ParseUint(req.Seed.String(), 10, 64)
		if err != nil {
			return opts, badRequest("seed", "want a whole number from 0 to 2^64-1, got %s", req.Seed)
		}
		opts.Seed = &s
	}
	var err error
	if opts.Speed, err = scenario.ParseSpeed(req.Speed); err != nil {
		return opts, badRequest("speed", "%v", err)
	}
	if len(req.Set) > 0 {
		opts.Set = map[string][]generator.Override{}
		for ev, raw := range req.Set {
			list, err := parseSet("set."+ev, raw)
			if err != nil {
				return opts, err
			}
			opts.Set[ev] = list
		}
	}
	if len(req.Faults) > 0 && string(req.Faults) != "null" {
		var names []string
		var one string
		if json.Unmarshal(req.Faults, &one) == nil {
			names = []string{one}
		} else if err := json.Unmarshal(req.Faults, &names); err != nil {
			return opts, badRequest("faults", "want \"dup,reorder\" or a list of fault names")
		}
		fs, err := wire.ParseFaults(strings.Join(names, ","))
		if err != nil {
			return opts, badRequest("faults", "%v", err)
		}
		opts.Faults = fs
	}
	return opts, nil
}

func (p *Provider) listScenarioRuns(w http.ResponseWriter, _ *http.Request) {
	runs := p.ScenarioRuns()
	out := make([]ScenarioRunInfo, 0, len(runs))
	for _, r := range runs {
		out = append(out, r.Info())
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": out})
}

func (p *Provider) getScenarioRun(w http.ResponseWriter, r *http.Request) {
	run, ok := p.ScenarioRun(r.PathValue("id"))
	if !ok {
		writeError(w, &apiError{Status: http.StatusNotFound, Kind: errNotFound, Info: fmt.Sprintf("id: no scenario run %q", r.PathValue("id"))})
		return
	}
	writeJSON(w, http.StatusOK, run.Info())
}
