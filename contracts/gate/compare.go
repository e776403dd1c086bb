package gate

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/hookmock/hookmock/spec"
)

// Doc describes one side of a comparison.
type Doc struct {
	Source  string `json:"source"`
	Title   string `json:"title"`
	Version string `json:"version"`
	OpenAPI string `json:"openapi"`
}

// Report is the outcome of a gate run.
type Report struct {
	Old      Doc       `json:"old"`
	New      Doc       `json:"new"`
	Findings []Finding `json:"findings"`
	// Checks are the semver checks: info.version, then each event's
	// envelope version.
	Checks []Check `json:"checks"`
	// Consumers and Replay are filled by ApplyConsumers and Replay.
	Consumers []ConsumerResult `json:"consumers,omitempty"`
	Replay    *ReplayResult    `json:"replay,omitempty"`
}

// Compare judges the change from old to new. It never fails: problems a
// loaded contract can still have (a dangling $ref) degrade to findings
// about what could be read.
func Compare(old, new *spec.Spec, p Policy) *Report {
	c := newComparer(old, new)
	r := &Report{
		Old: Doc{old.Source, old.Title, old.Version, old.OpenAPI},
		New: Doc{new.Source, new.Title, new.Version, new.OpenAPI},
	}
	em := &emitter{c: c, policy: p, report: r}
	em.document()
	olds, news, pairs := matchEvents(old, new)
	for _, e := range olds {
		em.add(ruleEventRemoved, e.Direction, e.Name, PartEvent, "", eventPtr(old, e), hooksPtr(new), nil, "event %q removed", e.Name)
	}
	for _, e := range news {
		em.add(ruleEventAdded, e.Direction, e.Name, PartEvent, "", hooksPtr(old), eventPtr(new, e), nil, "event %q added", e.Name)
	}
	for _, pr := range pairs {
		em.event(pr[0], pr[1])
	}
	sort.SliceStable(r.Findings, func(i, j int) bool { return r.Findings[i].Event < r.Findings[j].Event })
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	r.Checks = semverChecks(r, pairs, c)
	return r
}

// matchEvents pairs events by name, then the rest by their `type` value,
// so that renaming a webhook key is not a removal plus an addition.
func matchEvents(old, new *spec.Spec) (removed, added []*spec.Event, pairs [][2]*spec.Event) {
	used := map[*spec.Event]bool{}
	var unmatched []*spec.Event
	for _, oe := range old.Events {
		if ne, ok := new.Event(oe.Name); ok {
			used[ne] = true
			pairs = append(pairs, [2]*spec.Event{oe, ne})
			continue
		}
		unmatched = append(unmatched, oe)
	}
	for _, oe := range unmatched {
		if ne, ok := new.EventByType(oe.Type); ok && oe.Type != "" && !used[ne] && ne.Method == oe.Method {
			used[ne] = true
			pairs = append(pairs, [2]*spec.Event{oe, ne})
			continue
		}
		removed = append(removed, oe)
	}
	for _, ne := range new.Events {
		if !used[ne] {
			added = append(added, ne)
		}
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i][1].Name < pairs[j][1].Name })
	return removed, added, pairs
}

func hooksPtr(s *spec.Spec) string {
	if strings.HasPrefix(s.OpenAPI, "3.0.") {
		return "/x-webhooks"
	}
	return "/webhooks"
}

// eventPtr locates an event's operation in its document.
func eventPtr(s *spec.Spec, e *spec.Event) string {
	name := strings.TrimSuffix(e.Name, " "+e.Method)
	return spec.Join(hooksPtr(s), name, strings.ToLower(e.Method))
}

// emitter turns rule hits into findings: it applies the policy and
// places schema findings under their event.
type emitter struct {
	c      *comparer
	policy Policy
	report *Report
	// seen merges one event's findings that differ only by message path
	// (a component reached from several properties).
	seen map[findingKey]int
}

type findingKey struct {
	rule, event, partName, oldPtr, newPtr, msg string
	part                                       Part
}

func (em *emitter) add(r *Rule, dir spec.Direction, event string, part Part, partName, oldPtr, newPtr string,
	override *Impact, format string, args ...any) {
	em.addFinding(r, dir, event, part, partName, relFinding{rule: r, override: override, oldPtr: oldPtr, newPtr: newPtr, msg: sprintf(format, args...)}, "")
}

func (em *emitter) addFinding(r *Rule, dir spec.Direction, event string, part Part, partName string, rf relFinding, base string) {
	im, ok := r.Impact(dir)
	if !ok {
		return
	}
	if rf.override != nil {
		im = *rf.override
	}
	if o, ok := em.policy.Rules[r.ID]; ok {
		if o.Off {
			return
		}
		im.Level, im.Bump = o.Level, o.Bump
	}
	path := ""
	if part == PartBody || part == PartResponse || part == PartHeader {
		path = base + rf.path
	}
	key := findingKey{r.ID, event, partName, rf.oldPtr, rf.newPtr, rf.msg, part}
	if i, dup := em.seen[key]; dup {
		f := &em.report.Findings[i]
		f.Paths = appendPath(f.Paths, path)
		return
	}
	if em.seen == nil {
		em.seen = map[findingKey]int{}
	}
	em.seen[key] = len(em.report.Findings)
	f := Finding{Rule: r.ID, Level: im.Level, Bump: im.Bump, Direction: dir, Event: event, Part: part, PartName: partName,
		OldPointer: rf.oldPtr, NewPointer: rf.newPtr,
		OldWhere: em.c.old.s.Where(rf.oldPtr), NewWhere: em.c.new.s.Where(rf.newPtr), Message: rf.msg}
	if part == PartBody || part == PartResponse || part == PartHeader {
		f.Paths = []string{pathOrRoot(path)}
	}
	em.report.Findings = append(em.report.Findings, f)
}

// maxPaths bounds how many message paths one finding lists: a component
// used all over a large document is reachable from hundreds.
const maxPaths = 20

func appendPath(paths []string, p string) []string {
	p = pathOrRoot(p)
	for _, x := range paths {
		if x == p {
			return paths
		}
	}
	if len(paths) >= maxPaths {
		return paths
	}
	paths = append(paths, p)
	sort.Strings(paths)
	return paths
}

func pathOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// schema compares two schemas of an event and adds the findings.
func (em *emitter) schema(event string, part Part, partName string, dir spec.Direction, os, ns spec.Schema, m mode, base string) {
	res, _ := em.c.compare(os, ns, dir, m)
	for _, rf := range res {
		em.addFinding(rf.rule, dir, event, part, partName, rf, base)
	}
}

// document compares what the whole document says about itself.
func (em *emitter) document() {
	o, n := em.c.old.s, em.c.new.s
	for _, k := range []string{"title", "description", "summary"} {
		ov, _ := o.At("/info/" + k)
		nv, _ := n.At("/info/" + k)
		if !equalJSON(ov, nv) {
			em.add(ruleDescriptionChanged, spec.ProviderToConsumer, "", PartDocument, "", "/info/"+k, "/info/"+k, nil, "info.%s changed", k)
		}
	}
}

// event compares one matched pair of events.
func (em *emitter) event(oe, ne *spec.Event) {
	os, ns := em.c.old.s, em.c.new.s
	op, np := eventPtr(os, oe), eventPtr(ns, ne)
	name := ne.Name
	for _, d := range []struct{ k, o, n string }{{"summary", oe.Summary, ne.Summary}, {"description", oe.Description, ne.Description}} {
		if d.o != d.n {
			em.add(ruleDescriptionChanged, ne.Direction, name, PartEvent, "", op+"/"+d.k, np+"/"+d.k, nil, "operation %s changed", d.k)
		}
	}
	oex := map[string]spec.Example{}
	for _, x := range oe.Examples {
		oex[x.Name] = x
	}
	for _, x := range ne.Examples {
		old, had := oex[x.Name]
		delete(oex, x.Name)
		switch {
		case !had:
			em.add(ruleExampleChanged, ne.Direction, name, PartEvent, "", np, x.Ptr, nil, "example %q added", x.Name)
		case !equalJSON(old.Value, x.Value):
			em.add(ruleExampleChanged, ne.Direction, name, PartEvent, "", old.Ptr, x.Ptr, nil, "example %q changed", x.Name)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(oex)) {
		em.add(ruleExampleChanged, ne.Direction, name, PartEvent, "", oex[k].Ptr, np, nil, "example %q removed", k)
	}
	em.schema(name, PartBody, "", ne.Direction, oe.Body, ne.Body, modeRoot, "")
	em.headers(oe, ne, op, np)
	em.responses(oe, ne, op, np)
}

// headers compares request headers as the properties of an object: the
// same rules judge a header removed or newly required.
func (em *emitter) headers(oe, ne *spec.Event, op, np string) {
	ov := headerView(oe, op+"/parameters")
	nv := headerView(ne, np+"/parameters")
	if len(ov.names) == 0 && len(nv.names) == 0 {
		return
	}
	p := &pair{c: em.c, o: ov, n: nv, dir: ne.Direction}
	for _, r := range []*Rule{rulePropertyRemoved, rulePropertyAdded, ruleRequiredPropertyAdded, rulePropertyBecameRequired, rulePropertyBecameOptional} {
		r.check(p, r)
	}
	for _, rf := range p.out {
		em.addFinding(rf.rule, ne.Direction, ne.Name, PartHeader, strings.TrimPrefix(spec.Unescape(rf.path), "/"), rf, "")
	}
	for _, name := range ov.names {
		if ns, ok := nv.props[name]; ok && ov.props[name].Raw != nil && ns.Raw != nil {
			em.schema(ne.Name, PartHeader, name, ne.Direction, ov.props[name], ns, 0, "")
		}
	}
}

// headerView presents headers as an object schema keyed by lower-case
// name (HTTP header names are case-insensitive).
func headerView(e *spec.Event, ptr string) *view {
	v := &view{ptr: ptr, propsAt: ptr, kw: map[string]loc{}, props: map[string]spec.Schema{}, required: map[string]string{}}
	for _, h := range e.Headers {
		k := strings.ToLower(h.Name)
		sc := spec.Schema{Ptr: ptr}
		if h.Schema != nil {
			sc = *h.Schema
		}
		v.props[k] = sc
		if h.Required {
			v.required[k] = sc.Ptr
		}
	}
	v.names = slices.Sorted(maps.Keys(v.props))
	return v
}

// responses compares the declared responses; they flow consumer →
// provider, so the mirror rules judge them.
func (em *emitter) responses(oe, ne *spec.Event, op, np string) {
	or := map[string]spec.Response{}
	for _, r := range oe.Responses {
		or[r.Status] = r
	}
	respPtr := func(base, status string) string { return spec.Join(base, "responses", status) }
	for _, nr := range ne.Responses {
		o, had := or[nr.Status]
		delete(or, nr.Status)
		if !had {
			em.add(ruleResponseAdded, nr.Direction, ne.Name, PartResponse, nr.Status, op+"/responses", respPtr(np, nr.Status), nil,
				"response %s added", nr.Status)
			continue
		}
		if o.Description != nr.Description {
			em.add(ruleDescriptionChanged, nr.Direction, ne.Name, PartResponse, nr.Status, respPtr(op, nr.Status)+"/description",
				respPtr(np, nr.Status)+"/description", nil, "response description changed")
		}
		switch {
		case o.Body == nil && nr.Body != nil:
			em.add(ruleResponseBodyAdded, nr.Direction, ne.Name, PartResponse, nr.Status, respPtr(op, nr.Status), nr.Body.Ptr, nil,
				"response %s now declares a body schema", nr.Status)
		case o.Body != nil && nr.Body == nil:
			em.add(ruleResponseBodyRemoved, nr.Direction, ne.Name, PartResponse, nr.Status, o.Body.Ptr, respPtr(np, nr.Status), nil,
				"response %s no longer declares a body schema", nr.Status)
		case o.Body != nil:
			em.schema(ne.Name, PartResponse, nr.Status, nr.Direction, *o.Body, *nr.Body, 0, "")
		}
	}
	for _, st := range slices.Sorted(maps.Keys(or)) {
		em.add(ruleResponseRemoved, or[st].Direction, ne.Name, PartResponse, st, respPtr(op, st), np+"/responses", nil,
			"response %s removed", st)
	}
}
