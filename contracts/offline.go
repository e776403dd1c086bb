package contracts

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/signing"
	"github.com/hookmock/hookmock/spec"
)

// VerifyDeliveries judges deliveries already recorded by the mock server
// (the JSON of GET /_mock/deliveries) against the clauses that apply to
// them. Each attempt is classified by what was actually sent: its
// signature is checked with the contract's secret (the faults the log
// names are hints for what the secret cannot tell, e.g. a deliberately
// stale timestamp), its body against the provider contract, its id and
// lifecycle stage against the attempts before it. Results aggregate per
// clause, event and case, with the failing attempts as evidence.
//
// What a log cannot show is skipped with the reason: the verification
// probe (not a delivery) and the processed count behind duplicate-safe.
func VerifyDeliveries(c *Contract, log wire.DeliveryLog) Report {
	start := time.Now()
	rep := Report{Consumer: c.Name, Source: c.Source, Endpoint: c.Endpoint, Mode: "offline", Started: start}
	s, err := newSettings(c)
	if err != nil {
		rep.Error = err.Error()
		return finish(rep, start)
	}
	rep.Spec = specLabel(s.spec)
	atts, err := s.recorded(log)
	if err != nil {
		rep.Error = err.Error()
		return finish(rep, start)
	}
	j := newTally()
	s.classify(atts, j)
	rep.Results = j.results(s)
	// Offline, the diagnosis reads the evidence and sends nothing.
	rep.Diagnosis = diagnose(context.Background(), s, nil, rep.Results)
	return finish(rep, start)
}

// attempt is one recorded request with what the verifier learned of it.
type attempt struct {
	d     *wire.Delivery
	a     *wire.Attempt
	ex    Exchange
	event *spec.Event
	body  []byte
}

// recorded lists the attempts to the contract's endpoint of consumed
// events, in the order they were sent.
func (s *settings) recorded(log wire.DeliveryLog) ([]attempt, error) {
	var out []attempt
	urls := map[string]bool{}
	for i := range log.Deliveries {
		d := &log.Deliveries[i]
		urls[d.URL] = true
		if s.c.Endpoint != "" && d.URL != s.c.Endpoint {
			continue
		}
		e, ok := s.spec.Lookup(d.EventType)
		if !ok || !slices.Contains(s.events, e) {
			continue
		}
		for k := range d.Attempts {
			a := &d.Attempts[k]
			// Skip what was never sent, what the provider dropped on
			// purpose, and a Content-Type a consumer may take either way.
			if a.Request.Method == "" || (k == 0 && hasFault(d.Faults, wire.FaultDropFirst)) || hasFault(d.Faults, wire.FaultContentType) {
				continue
			}
			ex := exchangeOf(fmt.Sprintf("recorded attempt %d", a.N), *a)
			ex.EventID, ex.Delivery = d.EventID, fmt.Sprintf("%s#%d", d.ID, a.N)
			out = append(out, attempt{d: d, a: a, ex: ex, event: e, body: []byte(a.Request.Body)})
		}
	}
	if s.c.Endpoint != "" && len(out) == 0 && !urls[s.c.Endpoint] {
		return nil, fmt.Errorf("the delivery log has no delivery to %s (it has deliveries to: %s)", s.c.Endpoint, strings.Join(slices.Sorted(maps.Keys(urls)), ", "))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].a.At.Before(out[j].a.At) })
	return out, nil
}

// classify puts each attempt under the clause it exercises. A bad
// signature outranks the body; among valid events a duplicate outranks an
// out-of-order one, which outranks one with unknown fields.
func (s *settings) classify(atts []attempt, t *tally) {
	delivered := map[string]bool{} // event ids that already got a success
	stage := map[string]int{}      // correlation key → latest lifecycle stage sent
	for _, at := range atts {
		ev := eventName(at.event)
		if bad := s.signatureProblem(at); bad == CaseStaleTimestamp {
			t.addOutcome(ClauseRejectsBadSignature, ev, bad, s.judgeStale(at.ex))
			continue
		} else if bad != "" {
			t.add(ClauseRejectsBadSignature, ev, bad, at.ex, want4xx)
			continue
		}
		v, err := spec.DecodeJSON(at.body)
		if err != nil {
			t.add(ClauseSchemaViolations, ev, "malformed-json", at.ex, s.violationWant(true))
			continue
		}
		if vs := at.event.ValidateValue(v); len(vs) > 0 {
			t.add(ClauseSchemaViolations, ev, kindOf(vs[0]), at.ex, s.violationWant(true))
			continue
		}
		if declaresSuccessBody(at.event) && at.a.Response != nil {
			o := checkShape(at.event, at.ex, at.a.Response.Body, len(at.a.Response.Body))
			t.addOutcome(ClauseResponseShape, ev, "declared-body", o)
		}
		late := s.outOfOrder(at, v, stage)
		switch {
		case delivered[at.d.EventID] && at.d.EventID != "":
			t.add(ClauseDuplicateSafe, ev, "duplicate", at.ex, s.wantSuccess(false))
		case late != "":
			t.add(ClauseOutOfOrder, ev, late, at.ex, wantNo5xx)
		case len(at.event.ValidateValue(v, spec.Strict())) > 0:
			t.add(ClauseToleratesAdditiveChange, ev, CaseUnknownFields, at.ex, s.wantSuccess(false))
		default:
			// A body the provider dripped slowly on purpose is late by design.
			t.add(ClauseAcceptsValid, ev, "recorded", at.ex, s.wantSuccess(!hasFault(at.d.Faults, wire.FaultSlowSend)))
		}
		if s.isSuccess(at.ex.Status) {
			delivered[at.d.EventID] = true
		}
	}
}

// signatureProblem names the rejects-bad-signature case an attempt falls
// under, or "" when it is correctly signed.
func (s *settings) signatureProblem(at attempt) string {
	faults := at.d.Faults
	switch {
	case hasFault(faults, wire.FaultStaleTimestamp), hasFault(faults, wire.FaultFutureTimestamp):
		return CaseStaleTimestamp
	case s.c.Signing.BasicAuth != "" && at.a.Request.Headers.Get("Authorization") != "Basic "+s.c.Signing.BasicAuth:
		return CaseMissingBasicAuth
	}
	if s.secret == "" {
		// Without the secret only the provider's word is left.
		switch {
		case hasFault(faults, wire.FaultBadSignature):
			return CaseBadSignature
		case hasFault(faults, wire.FaultMissingSignature):
			return CaseMissingSignature
		}
		return ""
	}
	err := signing.VerifyWith(s.c.Signing.Scheme, s.c.Signing.Params, s.secret, at.a.Request.Headers, at.body, at.a.At, s.staleBy)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, signing.ErrMissingHeader):
		return CaseMissingSignature
	case errors.Is(err, signing.ErrStale):
		return CaseStaleTimestamp
	}
	return CaseBadSignature
}

// outOfOrder returns the case name when an attempt's lifecycle stage comes
// after a later stage of the same object was sent, and records the stage.
func (s *settings) outOfOrder(at attempt, v any, stage map[string]int) string {
	i := slices.Index(s.lifecycle, at.event)
	if i < 0 {
		return ""
	}
	key, ok := walk(v, s.correlate)
	if !ok {
		return ""
	}
	k := fmt.Sprint(key)
	prev, seen := stage[k]
	if !seen || i > prev {
		stage[k] = i
	}
	if seen && prev > i {
		return short(at.event) + "-after-" + short(s.lifecycle[prev])
	}
	return ""
}

// kindOf names a violation the way the generator names negative kinds.
func kindOf(v spec.Violation) string {
	switch v.Keyword {
	case "required":
		return "missing-required"
	case "type":
		return "wrong-type"
	case "pattern", "format":
		return "pattern"
	case "enum", "const":
		return "enum"
	}
	return "schema"
}

// walk reads a JSON pointer of a decoded value.
func walk(v any, ptr string) (any, bool) {
	toks, err := spec.Split(ptr)
	if err != nil {
		return nil, false
	}
	for _, t := range toks {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[t]; !ok {
			return nil, false
		}
	}
	return v, true
}

// hasFault tells whether the log names a fault of kind k, written as the
// bare kind or with parameters ("stale-timestamp:2h").
func hasFault(faults []string, k wire.FaultKind) bool {
	for _, f := range faults {
		if f == string(k) || strings.HasPrefix(f, string(k)+":") || strings.HasPrefix(f, string(k)+"@") {
			return true
		}
	}
	return false
}
