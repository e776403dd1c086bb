package mockserver

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
)

// The control API and Daily's management API as OpenAPI 3.1, served at
// GET /_mock/openapi.json, so that a TypeScript or Python suite can
// generate its client. A test checks that it names exactly the routes
// the server registers, and that the bodies the server accepts and
// returns fit its schemas.

type apiOp struct {
	method, path, summary string
	req                   string // component schema of the JSON body, "" for none
	reqOptional           bool
	resp                  string // component schema of the 2xx JSON answer
	status                int
	respType              string // a non-JSON answer's media type
	query                 []string
}

var apiOps = []apiOp{
	{method: "POST", path: "/v1/webhooks", summary: "Create a webhook (Daily); the URL gets the verification probe", req: "WebhookInput", resp: "Webhook"},
	{method: "GET", path: "/v1/webhooks", summary: "List webhooks (Daily)", resp: "WebhookList"},
	{method: "GET", path: "/v1/webhooks/{uuid}", summary: "Get a webhook (Daily)", resp: "Webhook"},
	{method: "POST", path: "/v1/webhooks/{uuid}", summary: "Update a webhook, re-activating a FAILED one (Daily)", req: "WebhookUpdate", resp: "Webhook"},
	{method: "DELETE", path: "/v1/webhooks/{uuid}", summary: "Delete a webhook (Daily); the answer has no body"},
	{method: "POST", path: "/v1/rooms/{name}/sipCallTransfer", summary: "Transfer a SIP call (Daily); emits its events", req: "Object", resp: "Object"},
	{method: "POST", path: "/v1/rooms/{name}/sipRefer", summary: "SIP REFER (Daily); emits its events", req: "Object", resp: "Object"},
	{method: "POST", path: "/_mock/events", summary: "Trigger an event for every subscribed webhook", req: "EventRequest", resp: "Triggered"},
	{method: "GET", path: "/_mock/deliveries", summary: "Page through the delivery log", resp: "DeliveryLog", query: []string{"webhook", "type", "event", "status", "since", "until", "limit", "cursor", "format"}},
	{method: "DELETE", path: "/_mock/deliveries", summary: "Forget finished deliveries", resp: "Object"},
	{method: "GET", path: "/_mock/deliveries/{id}", summary: "One delivery with every attempt", resp: "Delivery"},
	{method: "POST", path: "/_mock/deliveries/{id}/replay", summary: "Send the event again, freshly signed, as a new delivery linked to the original (modify-and-replay with body)", req: "ReplayRequest", reqOptional: true, resp: "Delivery"},
	{method: "GET", path: "/_mock/deliveries/{id}/curl", summary: "A curl command reproducing the request, signed for now", respType: "text/plain", query: []string{"format"}},
	{method: "GET", path: "/_mock/stream", summary: "Server-sent events: an entry per delivery change and attempt, with ids; reconnect with Last-Event-ID", respType: "text/event-stream", query: []string{"from"}},
	{method: "GET", path: "/_mock/health", summary: "Liveness; details with the API key", resp: "Object"},
	{method: "GET", path: "/_mock/clock", summary: "The provider's clock", resp: "Clock"},
	{method: "POST", path: "/_mock/clock/advance", summary: "Advance the virtual clock (--clock virtual)", req: "ClockAdvance", reqOptional: true, resp: "Clock", query: []string{"by"}},
	{method: "POST", path: "/_mock/clock/drain", summary: "Run every live delivery and retry to its end on the virtual clock", resp: "Clock"},
	{method: "GET", path: "/_mock/scenarios", summary: "Built-in and uploaded scenarios", resp: "Object"},
	{method: "GET", path: "/_mock/scenarios/{name}", summary: "One scenario", resp: "Object"},
	{method: "PUT", path: "/_mock/scenarios/{name}", summary: "Upload a scenario (YAML or JSON)", req: "Object", resp: "Object"},
	{method: "POST", path: "/_mock/scenarios/{name}/run", summary: "Run a scenario", req: "Object", reqOptional: true, resp: "Object", query: []string{"wait"}},
	{method: "GET", path: "/_mock/scenarios/runs", summary: "Scenario runs", resp: "Object"},
	{method: "GET", path: "/_mock/scenarios/runs/{id}", summary: "One scenario run and its events", resp: "Object"},
	{method: "GET", path: "/_mock/schedules", summary: "Schedules with next fire time and counts", resp: "Object"},
	{method: "POST", path: "/_mock/schedules", summary: "Add a schedule", req: "Object", resp: "Object", status: http.StatusCreated},
	{method: "DELETE", path: "/_mock/schedules/{id}", summary: "Delete a schedule", resp: "Object"},
	{method: "POST", path: "/_mock/schedules/{id}/pause", summary: "Pause a schedule: its firings fall due and are counted but emit nothing", resp: "Object"},
	{method: "POST", path: "/_mock/schedules/{id}/resume", summary: "Resume a paused schedule", resp: "Object"},
	{method: "GET", path: "/_mock/action-errors", summary: "Configured errors of the SIP actions", resp: "Object"},
	{method: "POST", path: "/_mock/action-errors", summary: "Make a SIP action fail for a room or session", req: "Object", resp: "Object"},
	{method: "DELETE", path: "/_mock/action-errors", summary: "Clear the SIP actions' errors", resp: "Object"},
	{method: "GET", path: "/_mock/openapi.json", summary: "This document", resp: "Object"},
}

func obj(props map[string]any, required ...string) map[string]any {
	m := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		m["required"] = required
	}
	return m
}

var (
	str     = map[string]any{"type": "string"}
	integer = map[string]any{"type": "integer"}
	boolean = map[string]any{"type": "boolean"}
	when    = map[string]any{"type": "string", "format": "date-time"}
	strs    = map[string]any{"type": "array", "items": str}
	ref     = func(n string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + n} }
)

func apiSchemas() map[string]any {
	statuses := []any{}
	for _, s := range deliveryStatuses {
		statuses = append(statuses, string(s))
	}
	retry := map[string]any{"type": "string", "enum": []any{RetryCircuitBreaker, RetryExponential}}
	webhook := obj(map[string]any{"uuid": str, "url": str, "hmac": str, "basicAuth": str, "retryType": retry, "eventTypes": strs,
		"state": map[string]any{"type": "string", "enum": []any{StateActive, StateFailed}}, "failedCount": integer,
		"lastMomentPushed": when, "domainId": str, "createdAt": when, "updatedAt": when, "signing": str}, "uuid", "url", "state", "failedCount")
	input := map[string]any{"url": str, "hmac": str, "basicAuth": str, "retryType": retry, "eventTypes": strs, "signing": str}
	attempt := obj(map[string]any{"n": integer, "at": when, "latencyNs": integer, "latencyMs": map[string]any{"type": "number"}, "error": str,
		"outcome":  map[string]any{"type": "string", "enum": []any{"success", "failure"}},
		"request":  obj(map[string]any{"method": str, "url": str, "headers": map[string]any{"type": "object"}, "body": str}),
		"response": obj(map[string]any{"status": integer, "headers": map[string]any{"type": "object"}, "body": str, "bodyTruncated": boolean, "headersTruncated": boolean})},
		"n", "at", "outcome")
	delivery := obj(map[string]any{"id": str, "webhookUuid": str, "url": str, "eventType": str, "eventId": str, "retryType": str,
		"status": map[string]any{"type": "string", "enum": statuses}, "reason": str, "createdAt": when, "updatedAt": when,
		"nextAttemptAt": when, "faults": strs, "injected": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
		"duplicateOf": str, "copy": integer, "replayOf": str, "sending": integer, "attempts": map[string]any{"type": "array", "items": ref("Attempt")}},
		"id", "webhookUuid", "eventType", "status", "attempts")
	return map[string]any{
		"Error":         obj(map[string]any{"error": str, "info": str}, "error", "info"),
		"Object":        map[string]any{"type": "object"},
		"Webhook":       webhook,
		"WebhookList":   map[string]any{"type": "array", "items": ref("Webhook")},
		"WebhookInput":  obj(input, "url"),
		"WebhookUpdate": obj(input),
		"Attempt":       attempt,
		"Delivery":      delivery,
		"DeliveryLog":   obj(map[string]any{"deliveries": map[string]any{"type": "array", "items": ref("Delivery")}, "next": str, "store": map[string]any{"type": "object"}}, "deliveries"),
		"EventRequest": obj(map[string]any{"type": str, "seed": integer, "allowInvalid": boolean,
			"set":    map[string]any{"oneOf": []any{map[string]any{"type": "object"}, strs}},
			"body":   map[string]any{"description": "exact event to send instead of a generated one"},
			"faults": map[string]any{"description": "\"dup,reorder\", or a list of names and objects"}}, "type"),
		"Triggered": obj(map[string]any{"type": str, "id": str, "event": map[string]any{}, "deliveries": strs,
			"faults": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}}, "type", "deliveries"),
		"ReplayRequest": obj(map[string]any{"body": map[string]any{"description": "the modified event; checked against the contract unless allowInvalid"}, "allowInvalid": boolean}),
		"ClockAdvance":  obj(map[string]any{"by": map[string]any{"type": "string", "examples": []any{"90s", "15m"}}}, "by"),
		"Clock":         obj(map[string]any{"clock": map[string]any{"type": "string", "enum": []any{"real", "virtual"}}, "now": when, "advancedBy": str, "took": str}, "clock", "now"),
	}
}

var (
	openAPIOnce sync.Once
	openAPIDoc  []byte
)

// OpenAPI returns the document served at /_mock/openapi.json.
func OpenAPI() []byte {
	openAPIOnce.Do(func() {
		paths := map[string]map[string]any{}
		for _, op := range apiOps {
			item := paths[op.path]
			if item == nil {
				item = map[string]any{}
				paths[op.path] = item
			}
			var params []any
			for _, seg := range strings.Split(op.path, "/") {
				if strings.HasPrefix(seg, "{") {
					params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true, "schema": str})
				}
			}
			for _, q := range op.query {
				params = append(params, map[string]any{"name": q, "in": "query", "schema": str})
			}
			status := op.status
			if status == 0 {
				status = http.StatusOK
			}
			ok := map[string]any{"description": http.StatusText(status)}
			switch {
			case op.respType != "":
				ok["content"] = map[string]any{op.respType: map[string]any{"schema": str}}
			case op.resp != "":
				ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(op.resp)}}
			}
			errResp := map[string]any{"description": "refused, with the field or JSON pointer at fault", "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
			o := map[string]any{"summary": op.summary, "operationId": opID(op), "responses": map[string]any{itoa(status): ok, "default": errResp}}
			if len(params) > 0 {
				o["parameters"] = params
			}
			if op.req != "" {
				o["requestBody"] = map[string]any{"required": !op.reqOptional, "content": map[string]any{"application/json": map[string]any{"schema": ref(op.req)}}}
			}
			if strings.HasPrefix(op.path, "/v1/") {
				o["security"] = []any{map[string]any{"bearer": []any{}}}
			}
			item[strings.ToLower(op.method)] = o
		}
		doc := map[string]any{
			"openapi": "3.1.0",
			"info": map[string]any{"title": "hookmock control and management API", "version": "1",
				"description": "Daily's webhook management API (/v1/*) as hookmock mimics it, and hookmock's own control API (/_mock/*). With --api-key every route wants Authorization: Bearer <key> (the inspector's cookie works on /_mock/* too)."},
			"paths":      paths,
			"components": map[string]any{"schemas": apiSchemas(), "securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}}},
			"security":   []any{map[string]any{"bearer": []any{}}, map[string]any{}},
		}
		openAPIDoc, _ = json.MarshalIndent(doc, "", "  ")
	})
	return openAPIDoc
}

func opID(op apiOp) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(op.method))
	for _, seg := range strings.Split(op.path, "/") {
		seg = strings.Trim(seg, "{}")
		seg = strings.TrimSuffix(seg, ".json")
		seg = strings.ReplaceAll(seg, "-", "")
		if seg == "" || seg == "_mock" {
			continue
		}
		b.WriteString(strings.ToUpper(seg[:1]) + seg[1:])
	}
	return b.String()
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func (p *Provider) getOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(OpenAPI())
}
