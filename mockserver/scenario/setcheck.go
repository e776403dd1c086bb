package scenario

import (
	"fmt"
	"maps"
	"slices"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/spec"
)

// checkSet refuses run overrides that name no declared field: for an
// event, a key its schema lacks; for "*", a key none of the scenario's
// events declares (those that lack it are left alone). Keys written with
// generator.ExtraPrefix add a field on purpose and pass.
func (s *Scenario) checkSet(sp *spec.Spec, set map[string][]generator.Override) error {
	events := s.Events()
	for _, ev := range slices.Sorted(maps.Keys(set)) {
		for _, o := range set[ev] {
			if ev != "*" {
				if err := generator.CheckOverrides(sp, ev, []generator.Override{o}); err != nil {
					return fmt.Errorf("set.%s: %w", ev, err)
				}
				continue
			}
			var first error
			for _, e := range events {
				err := generator.CheckOverrides(sp, e, []generator.Override{o})
				if err == nil {
					first = nil
					break
				}
				if first == nil {
					first = err
				}
			}
			if first != nil {
				return fmt.Errorf("set: no event of %s declares it: %w", s.Name, first)
			}
		}
	}
	return nil
}
