package gate

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/hookmock/hookmock/spec"
)

// Consumer is a minimal consumer contract: which events a consumer
// handles and, optionally, which body fields it reads. The verifier's
// richer format can feed the same struct.
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

// ParseConsumer parses one consumer file; errors name source:line.
func ParseConsumer(source string, data []byte) (Consumer, error) {
	base := filepath.Base(source)
	c := Consumer{Name: strings.TrimSuffix(base, filepath.Ext(base)), Source: source, Reads: map[string][]string{}, lines: map[string]int{}}
	top, err := yamlMapping(source, data)
	if err != nil || top == nil {
		return c, err
	}
	at := func(n *yaml.Node) string { return fmt.Sprintf("%s:%d", source, n.Line) }
	scalars := func(n *yaml.Node, what string) ([]*yaml.Node, error) {
		if n.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("%s: %s must be a list", at(n), what)
		}
		for _, x := range n.Content {
			if x.Kind != yaml.ScalarNode || x.Value == "" {
				return nil, fmt.Errorf("%s: %s entries must be non-empty strings", at(x), what)
			}
		}
		return n.Content, nil
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch k.Value {
		case "name":
			if v.Kind != yaml.ScalarNode || v.Value == "" {
				return c, fmt.Errorf("%s: name must be a non-empty string", at(v))
			}
			c.Name = v.Value
		case "events":
			evs, err := scalars(v, "events")
			if err != nil {
				return c, err
			}
			for j, x := range evs {
				c.Events = append(c.Events, x.Value)
				c.lines[fmt.Sprintf("events/%d", j)] = x.Line
			}
		case "reads":
			if v.Kind != yaml.MappingNode {
				return c, fmt.Errorf("%s: reads must map events to lists of fields", at(v))
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				ev, list := v.Content[j], v.Content[j+1]
				paths, err := scalars(list, "reads."+ev.Value)
				if err != nil {
					return c, err
				}
				c.lines["reads/"+ev.Value] = ev.Line
				for _, p := range paths {
					ptr, err := readPointer(p.Value)
					if err != nil {
						return c, fmt.Errorf("%s: %v", at(p), err)
					}
					c.Reads[ev.Value] = append(c.Reads[ev.Value], ptr)
				}
			}
		default:
			return c, fmt.Errorf("%s: unknown key %q (want name, events, reads)", at(k), k.Value)
		}
	}
	if len(c.Events) > 0 {
		for _, ev := range sortedKeys(c.Reads) {
			if !contains(c.Events, ev) {
				return c, fmt.Errorf("%s:%d: reads names %q, which is not in events", source, c.lines["reads/"+ev], ev)
			}
		}
	}
	return c, nil
}

// readPointer accepts a JSON pointer or a dotted path ("payload.items[].id").
func readPointer(s string) (string, error) {
	if strings.HasPrefix(s, "/") {
		if _, err := spec.Split(s); err != nil {
			return "", err
		}
		return s, nil
	}
	var toks []string
	for _, t := range strings.Split(s, ".") {
		t = strings.ReplaceAll(t, "[]", ".*")
		for _, part := range strings.Split(t, ".") {
			if part == "" {
				return "", fmt.Errorf("field %q: empty segment (write payload.room or /payload/room)", s)
			}
			toks = append(toks, part)
		}
	}
	return spec.Join("", toks...), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
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
		for _, ref := range sortedKeys(c.Reads) {
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
