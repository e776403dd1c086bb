package mockserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver/scenario"
	"github.com/hookmock/hookmock/mockserver/store"
)

// What the provider keeps in the store beside webhooks and deliveries:
// schedules and scenarios added through the control API (those from the
// config file come from it again at each start), the action-error rules,
// and the virtual clock's position. Each is written when it changes and
// read back by restore.

const (
	actionErrorsKey = "rules"
	clockKey        = "virtualClock"
)

func (p *Provider) putDoc(kind store.Kind, key string, doc []byte) {
	if err := p.store.PutDoc(context.Background(), store.Doc{Kind: kind, Key: key, Doc: doc}); err != nil {
		p.log.Error("store write failed", "kind", kind, "key", key, "store", p.store.Location(), "err", err)
	}
}

func (p *Provider) dropDoc(kind store.Kind, key string) {
	err := p.store.DeleteDoc(context.Background(), kind, key)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		p.log.Error("store write failed", "kind", kind, "key", key, "store", p.store.Location(), "err", err)
	}
}

// saveActionErrors records the whole rule list; callers hold p.scen.mu.
func (p *Provider) saveActionErrorsLocked() {
	doc, _ := json.Marshal(p.scen.actionErrs)
	p.putDoc(store.KindActionError, actionErrorsKey, doc)
}

// saveClock records a virtual clock's position after an advance.
func (p *Provider) saveClock() {
	if vc, ok := p.clock.(*clock.Virtual); ok {
		p.putDoc(store.KindState, clockKey, []byte(vc.Now().UTC().Format(time.RFC3339Nano)))
	}
}

// restoreBeforeSchedules brings back scenarios, action errors and the
// virtual clock, which schedules may depend on.
func (p *Provider) restoreBeforeSchedules() error {
	ctx := context.Background()
	where := p.store.Location()
	docs, err := p.store.Docs(ctx, store.KindScenario)
	if err != nil {
		return fmt.Errorf("store %s: %w", where, err)
	}
	for _, d := range docs {
		sc, err := scenario.Parse(d.Key+".yaml", d.Doc, p.scenarioOptions())
		if err != nil {
			return fmt.Errorf("store %s: uploaded scenario %q no longer loads: %w", where, d.Key, err)
		}
		if err := p.addScenario(sc); err != nil {
			return fmt.Errorf("store %s: uploaded scenario %q: %w", where, d.Key, err)
		}
	}
	docs, err = p.store.Docs(ctx, store.KindActionError)
	if err != nil {
		return fmt.Errorf("store %s: %w", where, err)
	}
	for _, d := range docs {
		var rules []ActionError
		if err := json.Unmarshal(d.Doc, &rules); err != nil {
			return fmt.Errorf("store %s: action-error rules: %w", where, err)
		}
		p.scen.mu.Lock()
		p.scen.actionErrs = rules
		p.scen.mu.Unlock()
	}
	return p.followClock()
}

// followClock moves a virtual clock up to the position stored by the last
// advance, made here before a restart or by another replica: waits
// recorded against that position come due as they would have there.
func (p *Provider) followClock() error {
	vc, ok := p.clock.(*clock.Virtual)
	if !ok {
		return nil
	}
	docs, err := p.store.Docs(context.Background(), store.KindState)
	if err != nil {
		return fmt.Errorf("store %s: %w", p.store.Location(), err)
	}
	for _, d := range docs {
		if d.Key != clockKey {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, string(d.Doc))
		if err != nil {
			return fmt.Errorf("store %s: virtual clock position %q: %w", p.store.Location(), d.Doc, err)
		}
		if t.After(vc.Now()) {
			vc.Set(t)
		}
	}
	return nil
}

// restoreSchedules starts the schedules added through the control API.
func (p *Provider) restoreSchedules() error {
	docs, err := p.store.Docs(context.Background(), store.KindSchedule)
	if err != nil {
		return fmt.Errorf("store %s: %w", p.store.Location(), err)
	}
	for _, d := range docs {
		var m map[string]any
		if err := json.Unmarshal(d.Doc, &m); err != nil {
			return fmt.Errorf("store %s: schedule %q: %w", p.store.Location(), d.Key, err)
		}
		c, ferr := decodeSchedule(m)
		if ferr != nil {
			return fmt.Errorf("store %s: schedule %q: %s: %s", p.store.Location(), d.Key, ferr.Field, ferr.Msg)
		}
		c.ID = d.Key
		if _, err := p.AddSchedule(c); err != nil {
			return fmt.Errorf("store %s: schedule %q: %w", p.store.Location(), d.Key, err)
		}
	}
	return nil
}
