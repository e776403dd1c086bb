package gate

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hookmock/hookmock/spec"
)

// ReplayResult lists recorded events that the new contract rejects. It
// does not fail the gate: a provider → consumer body that the new
// contract narrows (a new required property) rejects old events and is
// still a compatible change; the list tells which fixtures to refresh.
type ReplayResult struct {
	Files    int             `json:"files"`
	Events   int             `json:"events"`
	Failures []ReplayFailure `json:"failures"`
}

// ReplayFailure is one way one recorded event fails the new contract.
type ReplayFailure struct {
	File  string `json:"file"`
	Index int    `json:"index"`
	Line  int    `json:"line"`
	Event string `json:"event,omitempty"`
	// Pointer locates the offending value in the event ("" for the root).
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// Invalid counts the events with at least one failure.
func (r *ReplayResult) Invalid() int {
	seen := map[string]bool{}
	for _, f := range r.Failures {
		seen[fmt.Sprintf("%s\x00%d", f.File, f.Index)] = true
	}
	return len(seen)
}

// Replay validates every event recorded under dir (*.json: an object or
// an array of them; *.ndjson: one per line) against s. An event is
// identified by its `type` value, or else by its file name
// (calltransfer.completed.json, calltransfer.completed-2.ndjson…).
func Replay(s *spec.Spec, dir string) (*ReplayResult, error) {
	res := &ReplayResult{Failures: []ReplayFailure{}}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		ext := filepath.Ext(path)
		if d.IsDir() || (ext != ".json" && ext != ".ndjson") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		res.Files++
		replayFile(s, path, data, res)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if res.Files == 0 {
		return nil, fmt.Errorf("%s: no recorded events (*.json, *.ndjson)", dir)
	}
	return res, nil
}

func replayFile(s *spec.Spec, path string, data []byte, res *ReplayResult) {
	byFile := fileEvent(s, path)
	values, err := spec.SplitEvents(data)
	for i, v := range values {
		res.Events++
		fail := func(event, ptr, msg string) {
			res.Failures = append(res.Failures, ReplayFailure{File: path, Index: i, Line: v.Line, Event: event, Pointer: ptr, Message: msg})
		}
		e := byFile
		if obj, ok := v.Value.(map[string]any); ok {
			if t, ok := obj["type"].(string); ok {
				if te, ok := s.EventByType(t); ok {
					e = te
				} else if e == nil {
					fail("", "/type", fmt.Sprintf("no event of %s has type %q", s.Source, t))
					continue
				}
			}
		}
		if e == nil {
			fail("", "", fmt.Sprintf("cannot tell which event this is: no known \"type\" value, and the file name names no event of %s", s.Source))
			continue
		}
		for _, vi := range e.ValidateValue(v.Value) {
			fail(e.Name, vi.Pointer, vi.Message)
		}
	}
	if err != nil {
		res.Events++
		res.Failures = append(res.Failures, ReplayFailure{File: path, Index: len(values), Message: err.Error()})
	}
}

// fileEvent finds the event a file name names: the longest event name or
// type that the base name starts with.
func fileEvent(s *spec.Spec, path string) *spec.Event {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	var best *spec.Event
	bestLen := 0
	for _, e := range s.Events {
		for _, n := range []string{e.Name, e.Type} {
			if n != "" && len(n) > bestLen && (base == n || strings.HasPrefix(base, n+"-") || strings.HasPrefix(base, n+"_") || strings.HasPrefix(base, n+".")) {
				best, bestLen = e, len(n)
			}
		}
	}
	return best
}
