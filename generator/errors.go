package generator

import (
	"fmt"
	"strings"

	"github.com/hookmock/hookmock/spec"
)

// UnknownEventError reports an event that the contract does not declare.
type UnknownEventError struct {
	Name   string
	Source string
	Events []string
}

func (e *UnknownEventError) Error() string {
	return fmt.Sprintf("no event %q in %s; events: %s", e.Name, e.Source, strings.Join(e.Events, ", "))
}

// OverrideError reports overrides that make the event invalid.
type OverrideError struct {
	Overrides  []Override
	Violations []spec.Violation
}

func (e *OverrideError) Error() string {
	keys := make([]string, len(e.Overrides))
	for i, o := range e.Overrides {
		keys[i] = o.Key
	}
	msgs := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		msgs[i] = v.String()
	}
	return fmt.Sprintf("override %s makes the event invalid: %s", strings.Join(keys, ", "), strings.Join(msgs, "; "))
}

// ContractError means the generator produced an event its own contract
// rejects: a generator bug, reported with the schema location that failed.
type ContractError struct {
	Event      string
	Seed       uint64
	Where      string
	Violations []spec.Violation
}

func (e *ContractError) Error() string {
	return fmt.Sprintf("generator bug: event %q seed %d breaks the contract at %s: %s", e.Event, e.Seed, e.Where, e.Violations[0])
}
