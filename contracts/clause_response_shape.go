package contracts

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hookmock/hookmock/spec"
)

// responseShapeClause checks the body a consumer answers with, where the
// provider contract declares one for a webhook (Daily's declares none; a
// provider that reads an acknowledgement body does).
var responseShapeClause = clause{
	Clause: Clause{
		ID:          ClauseResponseShape,
		Description: "where the provider contract declares a response body schema for a webhook, the consumer's response body matches it",
		Evidence:    "per event: status, the declared response, validator messages with JSON pointers, response body",
	},
	plan: func(s *settings) ([]unit, string) {
		var declared []*spec.Event
		for _, e := range s.events {
			if declaresSuccessBody(e) {
				declared = append(declared, e)
			}
		}
		if len(declared) == 0 {
			return nil, "the provider contract declares no response body for the consumed events"
		}
		return perEvent(declared, "declared-body", func(x *runner, ctx context.Context, e *spec.Event) outcome {
			body, id, err := x.event(e, nil, ClauseResponseShape, e.Name)
			if err != nil {
				return fail(err.Error())
			}
			ex, answer := x.send(ctx, delivery{step: "valid event", body: body, id: id})
			return checkShape(e, ex, answer, x.s.bodyLimit)
		}), ""
	},
}

func declaresSuccessBody(e *spec.Event) bool {
	for _, r := range e.Responses {
		if r.Body != nil && (strings.HasPrefix(r.Status, "2") || r.Status == "default") {
			return true
		}
	}
	return false
}

// declaredResponse finds the response declared for a status: exact, then
// its range (2XX), then default.
func declaredResponse(e *spec.Event, status int) *spec.Response {
	code := strconv.Itoa(status)
	for _, want := range []string{code, code[:1] + "XX", "default"} {
		for i := range e.Responses {
			if strings.EqualFold(e.Responses[i].Status, want) {
				return &e.Responses[i]
			}
		}
	}
	return nil
}

// checkShape judges a response body against the declared schema; the live
// and offline verifiers share it.
func checkShape(e *spec.Event, ex Exchange, body string, limit int) outcome {
	if ex.Status == 0 {
		return fail("no response to check: "+got(ex), ex)
	}
	r := declaredResponse(e, ex.Status)
	if r == nil || r.Body == nil {
		return fail(fmt.Sprintf("answered %d, for which the contract declares no response body (it declares one for %s)", ex.Status, bodyStatuses(e)), ex)
	}
	if ex.BodyTruncated {
		return fail(fmt.Sprintf("the response body is larger than %d bytes; not checked", limit), ex)
	}
	var v any = body
	if ct := r.ContentType; ct == "" || strings.Contains(ct, "json") {
		var err error
		if v, err = spec.DecodeJSON([]byte(body)); err != nil {
			return fail(fmt.Sprintf("%d with a body that is not JSON (%s declared): %v", ex.Status, r.ContentType, err), ex)
		}
	}
	vs, _ := e.ValidateResponse(r.Status, v)
	if len(vs) > 0 {
		msgs := make([]string, 0, 3)
		for _, x := range vs[:min(3, len(vs))] {
			msgs = append(msgs, x.String())
		}
		return fail(fmt.Sprintf("%d with a body that breaks the schema declared for %s: %s", ex.Status, r.Status, strings.Join(msgs, "; ")), ex)
	}
	return outcome{verdict: VerdictPass, reason: fmt.Sprintf("%d with a body matching the schema declared for %s", ex.Status, r.Status), evidence: []Exchange{ex}}
}

func bodyStatuses(e *spec.Event) string {
	var out []string
	for _, r := range e.Responses {
		if r.Body != nil {
			out = append(out, r.Status)
		}
	}
	return strings.Join(out, ", ")
}
