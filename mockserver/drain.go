package mockserver

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
)

// Drain runs every delivery and scenario run to its end. Under a virtual
// clock it advances the clock to each next due time (a retry, a held
// delivery, a scenario step) until nothing is live, and returns the
// virtual time that took: one exponential delivery to a consumer that
// always fails drains in 30 minutes. On a real clock it waits as Settle
// does and returns the wall time it waited. Schedules keep running; their
// firings that fall due on the way fire on the way.
func (p *Provider) Drain(ctx context.Context) (time.Duration, error) {
	vc, virtual := p.clock.(*clock.Virtual)
	if !virtual {
		start := time.Now()
		if err := p.WaitScenarios(ctx); err != nil {
			return time.Since(start), err
		}
		err := p.Settle(ctx)
		return time.Since(start), err
	}
	start := vc.Now()
	for {
		if err := vc.WaitIdle(ctx); err != nil {
			return vc.Now().Sub(start), err
		}
		changed := vc.Changed()
		deliveries, runs := p.engine.Live(), p.runningScenarios()
		if deliveries == 0 && runs == 0 {
			return vc.Now().Sub(start), nil
		}
		next, ok := vc.NextDue()
		if !ok {
			// Live but due at no time: something is about to wait on
			// the clock or to end.
			select {
			case <-changed:
			case <-p.engine.Idle():
			case <-ctx.Done():
				return vc.Now().Sub(start), fmt.Errorf("drain: %d deliveries and %d scenario runs still live, nothing due on the clock: %w", deliveries, runs, ctx.Err())
			}
			continue
		}
		if err := vc.AdvanceTo(ctx, next); err != nil {
			return vc.Now().Sub(start), fmt.Errorf("drain: %w", err)
		}
	}
}

func (p *Provider) runningScenarios() int {
	n := 0
	for _, r := range p.ScenarioRuns() {
		select {
		case <-r.done:
		default:
			n++
		}
	}
	return n
}

// drainClock runs everything live to its end: POST /_mock/clock/drain.
func (p *Provider) drainClock(w http.ResponseWriter, r *http.Request) {
	took, err := p.Drain(r.Context())
	p.saveClock()
	if err != nil {
		writeError(w, &apiError{Status: http.StatusServiceUnavailable, Kind: "unavailable", Info: "clock: " + err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"clock": clockKind(p.clock), "now": p.clock.Now().UTC(), "took": took.String()})
}
