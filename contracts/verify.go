package contracts

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hookmock/hookmock/generator/seeds"
)

// Verify runs every clause of the contract against its live endpoint and
// reports each clause-case with its evidence. It never hangs on the
// consumer: every request is bounded by the contract's timeout and body
// limit, and when ctx ends the cases not yet run fail as "not run".
// A contract that cannot be verified (it does not resolve, or has no
// endpoint or secret) gives a report with Error set and no results.
func Verify(ctx context.Context, c *Contract) Report {
	start := time.Now()
	rep := Report{Consumer: c.Name, Source: c.Source, Endpoint: c.Endpoint, Mode: "live", Started: start}
	s, err := newSettings(c)
	if err == nil {
		err = liveReady(c, s)
	}
	if err != nil {
		rep.Error = err.Error()
		return finish(rep, start)
	}
	rep.Spec = specLabel(s.spec)
	rep.Seed = c.Seed
	if rep.Seed == 0 {
		rep.Seed = seeds.Random()
	}
	x := newRunner(s, rep.Seed)
	defer x.close()

	var units []unit
	for _, cl := range registry {
		if s.skip[cl.ID] {
			rep.Results = append(rep.Results, Result{Clause: cl.ID, Case: "all", Verdict: VerdictSkip, Reason: "skipped by the contract"})
			continue
		}
		us, na := cl.plan(s)
		if na != "" {
			rep.Results = append(rep.Results, Result{Clause: cl.ID, Case: "all", Verdict: VerdictSkip, Reason: na})
			continue
		}
		for _, u := range us {
			u.clause = cl.ID
			units = append(units, u)
		}
	}
	outs := runUnits(ctx, x, units)
	rep.Results = append(rep.Results, assemble(units, outs)...)
	sortResults(rep.Results)
	rep.Diagnosis = diagnose(ctx, s, x, rep.Results)
	return finish(rep, start)
}

func liveReady(c *Contract, s *settings) error {
	if len(s.events) == 0 {
		return c.errAt("events", "%s declares no events to send", s.spec.Source)
	}
	if c.Endpoint == "" {
		return c.errAt("endpoint", "endpoint: required to verify a live consumer (or verify recorded deliveries offline)")
	}
	if s.secret == "" {
		what := "signing.secret"
		if c.Signing.SecretEnv != "" {
			what = fmt.Sprintf("signing.secretEnv: $%s is empty; signing.secret", c.Signing.SecretEnv)
		}
		return c.errAt("signing", "%s is required: the verifier signs deliveries as the provider does", what)
	}
	return nil
}

// runUnits runs units on a bounded pool; a unit that has not started when
// ctx ends is not run.
func runUnits(ctx context.Context, x *runner, units []unit) [][]outcome {
	outs := make([][]outcome, len(units))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(x.s.concurrency, len(units)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				outs[i] = runUnit(ctx, x, units[i])
			}
		}()
	}
	for i := range units {
		next <- i
	}
	close(next)
	wg.Wait()
	return outs
}

func runUnit(ctx context.Context, x *runner, u unit) []outcome {
	if err := ctx.Err(); err != nil {
		return notRun(u, err)
	}
	outs := u.run(ctx, x)
	if len(outs) != len(u.labels) {
		panic(fmt.Sprintf("contracts: a unit gave %d outcomes for %d cases", len(outs), len(u.labels)))
	}
	if err := ctx.Err(); err != nil {
		// Cut short: what failed for lack of time is not the consumer's doing.
		for i := range outs {
			if outs[i].verdict == VerdictFail {
				outs[i].reason = fmt.Sprintf("cut short (%v): %s", err, outs[i].reason)
			}
		}
	}
	return outs
}

func notRun(u unit, err error) []outcome {
	why := "not run: verification cancelled"
	if errors.Is(err, context.DeadlineExceeded) {
		why = "not run: the verification ran out of time"
	}
	outs := make([]outcome, len(u.labels))
	for i := range outs {
		outs[i] = fail(why)
	}
	return outs
}

// assemble labels the outcomes.
func assemble(units []unit, outs [][]outcome) []Result {
	var res []Result
	for i, u := range units {
		for j, l := range u.labels {
			o := outs[i][j]
			res = append(res, Result{Clause: u.clause, Event: l.event, Case: l.name, Verdict: o.verdict, Reason: o.reason, Evidence: o.evidence})
		}
	}
	return res
}

func finish(rep Report, start time.Time) Report {
	rep.Duration = time.Since(start)
	rep.DurationMS = float64(rep.Duration.Microseconds()) / 1000
	if rep.Results == nil {
		rep.Results = []Result{}
	}
	return rep
}
