package gate

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hookmock/hookmock/contracts"
	"github.com/hookmock/hookmock/spec"
)

// Consumer is what the gate needs of a consumer contract: which events a
// consumer handles and, optionally, which body fields it reads. Files are
// read with the verifier's loader, so one file serves both.
//
//	name: billing
//	events: [calltransfer.completed]          # names or type values; default: all
//	reads:
//	  calltransfer.completed: [payload.room, /payload/to_endpoint]
type Consumer struct {
	Name   string
	Source string
	// Events are event names or `type` values; empty means every event.
	Events []string
	// Reads maps an event (name or type) to the JSON pointers it reads.
	// Dotted paths are accepted on input; "*" matches any array index.
	Reads map[string][]string
	// lines locates entries for errors: "events/N" and "reads/EVENT".
	lines map[string]int
}

// ConsumerResult says whether a consumer survives the change.
type ConsumerResult struct {
	Name   string `json:"name"`
	Source string `json:"source"`
	Broken bool   `json:"broken"`
	// Findings index Report.Findings: the breaking findings that reach it.
	Findings []int `json:"findings,omitempty"`
}

// LoadConsumers reads every *.yaml and *.yml file of a directory.
func LoadConsumers(dir string) ([]Consumer, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []Consumer
	for _, e := range ents {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		c, err := ParseConsumer(path, data)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no consumer contracts (*.yaml, *.yml)", dir)
	}
	return out, nil
}

// ParseConsumer parses one consumer file; errors name source:line. The
// file is a consumer contract in the verifier's format (see
// contracts.ParseContract), of which the gate reads name, events and
// reads; the rest (endpoint, signing, clauses…) is the verifier's.
func ParseConsumer(source string, data []byte) (Consumer, error) {
	k, err := contracts.ParseContract(source, data)
	if err != nil {
		return Consumer{Source: source}, err
	}
	c := Consumer{Name: k.Name, Source: source, Events: k.Events, Reads: k.Reads, lines: map[string]int{}}
	if c.Reads == nil {
		c.Reads = map[string][]string{}
	}
	for i := range c.Events {
		key := fmt.Sprintf("events/%d", i)
		c.lines[key] = k.Line(key)
	}
	for ev := range c.Reads {
		c.lines["reads/"+ev] = k.Line("reads/" + ev)
	}
	return c, nil
}

// ApplyConsumers marks, on each breaking finding, the consumers it breaks:
// those that consume the event and, where they list the fields they read,
// read the changed field, something inside it, or something containing it.
// Event names that match no event of either contract are errors: a typo
// would otherwise make a consumer look safe.
func (r *Report) ApplyConsumers(cs []Consumer, old, new *spec.Spec) error {
	resolve := func(c *Consumer, ref, lineKey string) (string, error) {
		for _, s := range []*spec.Spec{new, old} {
			if e, ok := s.Lookup(ref); ok {
				return e.Name, nil
			}
		}
		return "", fmt.Errorf("%s:%d: consumer %q names event %q, which neither %s nor %s declares",
			c.Source, c.lines[lineKey], c.Name, ref, old.Source, new.Source)
	}
	r.Consumers = nil
	for i := range r.Findings {
		r.Findings[i].Consumers = nil
	}
	for ci := range cs {
		c := &cs[ci]
		events := map[string]bool{}
		for j, ref := range c.Events {
			name, err := resolve(c, ref, fmt.Sprintf("events/%d", j))
			if err != nil {
				return err
			}
			events[name] = true
		}
		reads := map[string][]string{}
		for _, ref := range slices.Sorted(maps.Keys(c.Reads)) {
			name, err := resolve(c, ref, "reads/"+ref)
			if err != nil {
				return err
			}
			reads[name] = append(reads[name], c.Reads[ref]...)
		}
		res := ConsumerResult{Name: c.Name, Source: c.Source}
		for i := range r.Findings {
			f := &r.Findings[i]
			if f.Level != Breaking || f.Event == "" || (len(events) > 0 && !events[f.Event]) {
				continue
			}
			if rd, ok := reads[f.Event]; ok && f.Part == PartBody && !overlaps(f.Paths, rd) {
				continue
			}
			f.Consumers = append(f.Consumers, c.Name)
			res.Findings = append(res.Findings, i)
		}
		res.Broken = len(res.Findings) > 0
		r.Consumers = append(r.Consumers, res)
	}
	sort.SliceStable(r.Consumers, func(i, j int) bool { return r.Consumers[i].Name < r.Consumers[j].Name })
	return nil
}

// overlaps tells whether a changed location and a read location are on
// one line of descent: changing /payload breaks a reader of /payload/room,
// and changing /payload/room breaks a reader of /payload.
func overlaps(changed, read []string) bool {
	for _, c := range changed {
		ct, _ := spec.Split(strings.TrimSuffix(c, "/"))
		for _, r := range read {
			rt, _ := spec.Split(r)
			n := min(len(ct), len(rt))
			same := true
			for i := range n {
				if ct[i] != rt[i] && ct[i] != "*" && rt[i] != "*" {
					same = false
					break
				}
			}
			if same {
				return true
			}
		}
	}
	return false
}
