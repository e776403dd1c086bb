package mockserver

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/hookmock/hookmock/generator"
	"github.com/hookmock/hookmock/mockserver/schedule"
)

// ScheduleConfig is one schedule, as an item of hookmock.yaml's
// `schedules:` or the body of POST /_mock/schedules:
//
//   - id: heartbeat                  # optional; default sch_<n>
//     event: calltransfer.triggered  # or scenario: <name>
//     every: 10s                     # or cron: "*/5 * * * *", or rate: 50/s
//     jitter: 500ms
//     count: 100                     # stop after 100 firings
//     until: 1h                      # or an RFC 3339 time
//     set: {payload.room: sales}
//     faults: [dup@0.1, {kind: reorder, probability: 0.05}]
type ScheduleConfig struct {
	ID       string
	Event    string
	Scenario string
	Every    time.Duration
	Cron     string
	// Rate is firings per second; RateText is how it was written.
	Rate     float64
	RateText string
	Jitter   time.Duration
	Count    int
	// Until is a time, or UntilAfter a span after the schedule starts.
	Until      time.Time
	UntilAfter time.Duration
	Set        []string
	Faults     []Fault
	// Unbounded says, on purpose, that the schedule runs until deleted; a
	// schedule read from a body or a file needs it, a count or an until.
	Unbounded  bool
	needsBound bool

	// Where a config file gave it, so that errors found later (an event
	// the spec does not have) still name the file, line and column.
	file  string
	node  *yaml.Node
	index int
}

// fieldError names the field of a schedule at fault, e.g. faults[1].gap.
type fieldError struct {
	Field string
	Msg   string
}

func (e *fieldError) Error() string { return e.Field + ": " + e.Msg }

func fieldErr(field, format string, a ...any) *fieldError {
	return &fieldError{Field: field, Msg: fmt.Sprintf(format, a...)}
}

var idRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

var scheduleFields = []string{"id", "event", "scenario", "every", "cron", "rate", "jitter", "count", "until", "unbounded", "set", "faults"}

// decodeSchedule reads a schedule from decoded JSON or YAML.
func decodeSchedule(m map[string]any) (ScheduleConfig, *fieldError) {
	var c ScheduleConfig
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if err := c.decodeField(k, m[k]); err != nil {
			return c, err
		}
	}
	switch {
	case (c.Event == "") == (c.Scenario == ""):
		return c, fieldErr("event", "give exactly one of event or scenario")
	case countTrue(c.Every > 0, c.Cron != "", c.Rate > 0) != 1:
		return c, fieldErr("every", "give exactly one of every, cron or rate")
	case c.Jitter > 0 && c.Every > 0 && c.Jitter >= c.Every:
		return c, fieldErr("jitter", "%s is not shorter than every (%s)", c.Jitter, c.Every)
	}
	// Checked once the rest is known good (AddSchedule): a schedule from
	// a body or a file runs for ever only when it says so.
	c.needsBound = true
	return c, nil
}

func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func (c *ScheduleConfig) decodeField(k string, v any) *fieldError {
	str := func(dst *string) *fieldError {
		s, err := asString(v)
		if err != nil {
			return fieldErr(k, "%v", err)
		}
		*dst = s
		return nil
	}
	dur := func(dst *time.Duration) *fieldError {
		var s string
		if err := str(&s); err != nil {
			return err
		}
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return fieldErr(k, "%q is not a positive duration (e.g. 500ms, 10s, 15m)", s)
		}
		*dst = d
		return nil
	}
	switch k {
	case "id":
		if err := str(&c.ID); err != nil {
			return err
		}
		if !idRe.MatchString(c.ID) {
			return fieldErr(k, "%q: use letters, digits, '.', '_' and '-' (it goes in a URL path)", c.ID)
		}
	case "event":
		return str(&c.Event)
	case "scenario":
		return str(&c.Scenario)
	case "every":
		return dur(&c.Every)
	case "jitter":
		return dur(&c.Jitter)
	case "cron":
		if err := str(&c.Cron); err != nil {
			return err
		}
		if _, err := schedule.ParseCron(c.Cron); err != nil {
			return fieldErr(k, "%v", err)
		}
	case "rate":
		if err := str(&c.RateText); err != nil {
			return err
		}
		r, err := schedule.ParseRate(c.RateText)
		if err != nil {
			return fieldErr(k, "%v", err)
		}
		c.Rate = r
	case "count":
		n, err := asInt(v)
		if err != nil || n <= 0 {
			return fieldErr(k, "want a positive whole number, got %s", kindOf(v))
		}
		c.Count = n
	case "until":
		var s string
		if err := str(&s); err != nil {
			return err
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			c.Until = t
		} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
			c.UntilAfter = d
		} else {
			return fieldErr(k, "%q is neither an RFC 3339 time (2026-03-01T12:00:00Z) nor a positive duration (1h)", s)
		}
	case "unbounded":
		b, ok := v.(bool)
		if !ok {
			return fieldErr(k, "want true or false, got %s", kindOf(v))
		}
		c.Unbounded = b
	case "set":
		set, err := decodeSet(v)
		if err != nil {
			return fieldErr(k, "%v", err)
		}
		c.Set = set
	case "faults":
		fs, err := DecodeFaults(v)
		if err != nil {
			// err reads "[1].gap: …" or ": …".
			field, msg, _ := strings.Cut("faults"+err.Error(), ": ")
			return &fieldError{Field: field, Msg: msg}
		}
		c.Faults = fs
	default:
		if k == "" {
			// An empty key still needs a name the caller can find.
			return fieldErr(`""`, "unknown field (have %s)", strings.Join(scheduleFields, ", "))
		}
		return fieldErr(k, "unknown field (have %s)%s", strings.Join(scheduleFields, ", "), didYouMean(k, scheduleFields))
	}
	return nil
}

// decodeSet takes overrides as an object of key → value or a list of
// "key=value" strings, and checks each.
func decodeSet(v any) ([]string, error) {
	var out []string
	switch x := v.(type) {
	case []any:
		for i, item := range x {
			s, ok := item.(string)
			if !ok {
				return nil, fmt.Errorf("[%d]: want \"key=value\", got %s", i, kindOf(item))
			}
			out = append(out, s)
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			raw, err := json.Marshal(x[k])
			if err != nil {
				return nil, fmt.Errorf("%s: %v", k, err)
			}
			out = append(out, k+"="+string(raw))
		}
	default:
		return nil, fmt.Errorf("want an object of overrides or a list of key=value strings, got %s", kindOf(v))
	}
	for _, kv := range out {
		if _, err := generator.ParseOverride(kv); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ScheduleList is hookmock.yaml's `schedules:`. It decodes itself so that
// every error carries the line and column of the value at fault.
type ScheduleList []ScheduleConfig

// UnmarshalYAML reads the list from its YAML node.
func (l *ScheduleList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.SequenceNode {
		return fmt.Errorf("line %d, column %d: schedules: want a list of schedules", n.Line, n.Column)
	}
	for i, item := range n.Content {
		if item.Kind != yaml.MappingNode {
			return fmt.Errorf("line %d, column %d: schedules[%d]: want a mapping with event or scenario and every, cron or rate", item.Line, item.Column, i)
		}
		var m map[string]any
		if err := item.Decode(&m); err != nil {
			return fmt.Errorf("line %d, column %d: schedules[%d]: %v", item.Line, item.Column, i, err)
		}
		c, ferr := decodeSchedule(m)
		c.node, c.index = item, i
		if ferr != nil {
			return c.locate(ferr)
		}
		*l = append(*l, c)
	}
	return nil
}

// locate puts an error about a config-file schedule at its place in the
// file: "hookmock.yaml: line 7, column 11: schedules[0].rate: …".
func (c *ScheduleConfig) locate(e *fieldError) error {
	if c.node == nil {
		return e
	}
	n := nodeAt(c.node, e.Field, strings.HasPrefix(e.Msg, "unknown field"))
	if c.file != "" {
		return fmt.Errorf("%s:%d:%d: schedules[%d].%s", c.file, n.Line, n.Column, c.index, e.Error())
	}
	return fmt.Errorf("line %d, column %d: schedules[%d].%s", n.Line, n.Column, c.index, e.Error())
}

// nodeAt walks a path such as faults[1].gap from a mapping node and
// returns the deepest node it reaches: the value at fault, or with key its
// key (for an unknown field).
func nodeAt(n *yaml.Node, path string, key bool) *yaml.Node {
	for path != "" {
		var step string
		switch {
		case path[0] == '[':
			end := strings.IndexByte(path, ']')
			i, err := strconv.Atoi(path[1:max(end, 1)])
			if end < 0 || err != nil || n.Kind != yaml.SequenceNode || i >= len(n.Content) {
				return n
			}
			n, path = n.Content[i], path[end+1:]
			continue
		case path[0] == '.':
			path = path[1:]
			continue
		}
		end := strings.IndexAny(path, ".[")
		if end < 0 {
			end = len(path)
		}
		step, path = path[:end], path[end:]
		if n.Kind != yaml.MappingNode {
			return n
		}
		i := 0
		for i+1 < len(n.Content) && n.Content[i].Value != step {
			i += 2
		}
		if i+1 >= len(n.Content) {
			return n
		}
		if path == "" && key {
			return n.Content[i]
		}
		n = n.Content[i+1]
	}
	return n
}
