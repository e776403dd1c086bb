package mockserver

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/generator/seeds"
	"github.com/hookmock/hookmock/mockserver/store"
	"github.com/hookmock/hookmock/spec"
)

// eventSource turns trigger requests into the exact bytes to send.
type eventSource struct {
	gen  *generator.Generator
	seed uint64
	// n counts events generated without an explicit seed. It runs in
	// blocks reserved in the store, so that after a restart (or on another
	// replica) the stream carries on instead of repeating ids.
	mu     sync.Mutex
	n, end uint64
	st     store.Store
	log    *slog.Logger
}

const positionCounter = "generator.position"

// positionBlock is how many positions one store round trip reserves.
const positionBlock = 1000

func newEventSource(p *Provider) (*eventSource, error) {
	g := generator.New(p.spec, generator.WithClock(p.clock), generator.WithMaxEventBytes(p.opts.MaxEventBytes))
	// A contract with an event that has no finite instance, or only
	// enormous ones, is refused at start-up rather than on each trigger.
	if err := g.Check(); err != nil {
		return nil, err
	}
	return &eventSource{gen: g, seed: p.seed, st: p.store, log: p.log}, nil
}

// nextSeed derives the seed of the n-th unseeded event from the server
// seed, so that a run on a fresh store replays from --seed alone.
func (s *eventSource) nextSeed() uint64 {
	s.mu.Lock()
	if s.n == s.end {
		v, err := s.st.Add(context.Background(), positionCounter, positionBlock)
		if err != nil {
			s.log.Error("store: reserving generator positions", "err", err)
			s.end += positionBlock
		} else {
			s.n, s.end = uint64(v)-positionBlock, uint64(v)
		}
	}
	s.n++
	n := s.n
	s.mu.Unlock()
	return seeds.Derive(s.seed, seeds.Uint(n))
}

// make returns the bytes to send and the event's id.
func (s *eventSource) make(ev *spec.Event, req *triggerRequest) ([]byte, string, error) {
	if req.body != nil {
		return s.given(ev, req)
	}
	greq := generator.Request{Def: ev, Call: req.call, Invalid: req.invalid}
	if req.seed != nil {
		greq.Seed = *req.seed
	} else {
		greq.Seed = s.nextSeed()
	}
	if req.setErr != nil {
		return nil, "", req.setErr
	}
	greq.Set = req.set
	res, err := s.gen.GenerateContext(req.ctx, greq)
	if err != nil {
		return nil, "", err
	}
	req.invalidity = res.Invalid
	return res.JSON, res.ID, nil
}

// given checks caller-supplied bytes, which are sent exactly as given.
func (s *eventSource) given(ev *spec.Event, req *triggerRequest) ([]byte, string, error) {
	v, err := spec.DecodeJSON(req.body)
	if err != nil {
		if req.allowInvalid {
			return req.body, "", nil
		}
		return nil, "", fmt.Errorf("body: %w", err)
	}
	if !req.allowInvalid {
		if vs := ev.ValidateValue(v); len(vs) > 0 {
			return nil, "", fmt.Errorf("body breaks the contract at %s: %s (send it anyway with allowInvalid)", vs[0].Pointer, vs[0].Message)
		}
	}
	id := ""
	if obj, ok := v.(map[string]any); ok {
		id, _ = obj["id"].(string)
	}
	return req.body, id, nil
}
