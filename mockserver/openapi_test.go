package mockserver_test

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/hookmock/hookmock/generator/clock"
	"github.com/hookmock/hookmock/mockserver"
)

// registeredRoutes reads the package's source for every route pattern
// given to a ServeMux, and keeps the API's (/v1/*, /_mock/*).
func registeredRoutes(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	fset := gotoken.NewFileSet()
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != gotoken.STRING {
				return true
			}
			pattern, _ := strconv.Unquote(lit.Value)
			method, path, _ := strings.Cut(pattern, " ")
			if strings.HasPrefix(path, "/v1/") || strings.HasPrefix(path, "/_mock/") {
				out = append(out, method+" "+path)
			}
			return true
		})
	}
	slices.Sort(out)
	return out
}

func TestOpenAPIDescribesExactlyTheRoutes(t *testing.T) {
	vc := clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv, err := mockserver.New(mockserver.Options{Clock: vc, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	code, raw := call(t, "GET", srv.URL+"/_mock/openapi.json", "")
	if code != 200 {
		t.Fatalf("GET /_mock/openapi.json: %d %s", code, raw)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("kin-openapi finds the document invalid: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	var described []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			described = append(described, method+" "+path)
			if op.Responses == nil || op.Responses.Default() == nil {
				t.Errorf("%s %s: no error response", method, path)
			}
		}
	}
	slices.Sort(described)
	registered := registeredRoutes(t)
	if len(registered) < 25 {
		t.Fatalf("found only %d routes in the source: %v", len(registered), registered)
	}
	if !slices.Equal(described, registered) {
		for _, r := range registered {
			if !slices.Contains(described, r) {
				t.Errorf("registered but not described: %s", r)
			}
		}
		for _, d := range described {
			if !slices.Contains(registered, d) {
				t.Errorf("described but not registered: %s", d)
			}
		}
	}
	// And the live server answers each of them (not the catch-all).
	for _, r := range described {
		method, path, _ := strings.Cut(r, " ")
		path = strings.NewReplacer("{uuid}", "x", "{id}", "x", "{name}", "x").Replace(path)
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		if path == "/_mock/stream" {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			req = req.WithContext(ctx)
		}
		req.Header.Set("Authorization", "Bearer k")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		if strings.Contains(string(b), "no route for") || strings.Contains(string(b), "is not served") {
			t.Errorf("%s is described but the server has no route: %d %s", r, resp.StatusCode, b)
		}
	}
}

// TestOpenAPIFitsWhatTheServerAccepts sends real request bodies that the
// server accepts, checks each against the document's request schema, and
// each answer against its response schema: description and behaviour
// cannot drift apart without this failing.
func TestOpenAPIFitsWhatTheServerAccepts(t *testing.T) {
	consumer, _ := failingFirst()
	defer consumer.Close()
	vc := clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv, err := mockserver.New(mockserver.Options{Clock: vc, Seed: 6})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	doc, err := openapi3.NewLoader().LoadFromData(mockserver.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	check := func(method, pattern, path, body string, wantStatus int) []byte {
		t.Helper()
		op := doc.Paths.Find(pattern).GetOperation(method)
		if op == nil {
			t.Fatalf("%s %s is not described", method, pattern)
		}
		if body != "" {
			schema := op.RequestBody.Value.Content.Get("application/json").Schema.Value
			var v any
			json.Unmarshal([]byte(body), &v)
			if err := schema.VisitJSON(v); err != nil {
				t.Errorf("%s %s: the body the server accepts breaks the documented schema: %v\n%s", method, pattern, err, body)
			}
		}
		code, got := call(t, method, srv.URL+path, body)
		if code != wantStatus {
			t.Fatalf("%s %s: %d %s", method, path, code, got)
		}
		resp := op.Responses.Status(wantStatus)
		if resp == nil {
			t.Fatalf("%s %s: status %d is not described", method, pattern, wantStatus)
		}
		if mt := resp.Value.Content.Get("application/json"); mt != nil {
			var v any
			if err := json.Unmarshal(got, &v); err != nil {
				t.Fatalf("%s %s: not JSON: %s", method, path, got)
			}
			if err := mt.Schema.Value.VisitJSON(v); err != nil {
				t.Errorf("%s %s: the answer breaks the documented schema: %v\n%s", method, pattern, err, got)
			}
		}
		return got
	}
	var hook mockserver.Webhook
	json.Unmarshal(check("POST", "/v1/webhooks", "/v1/webhooks", `{"url": "`+consumer.URL+`", "retryType": "exponential", "eventTypes": ["meeting.started"]}`, 200), &hook)
	check("GET", "/v1/webhooks", "/v1/webhooks", "", 200)
	check("GET", "/v1/webhooks/{uuid}", "/v1/webhooks/"+hook.UUID, "", 200)
	check("POST", "/v1/webhooks/{uuid}", "/v1/webhooks/"+hook.UUID, `{"retryType": "exponential"}`, 200)
	var trig mockserver.Triggered
	json.Unmarshal(check("POST", "/_mock/events", "/_mock/events", `{"type": "meeting.started", "seed": 3, "set": {"payload.room": "r"}, "faults": "dup"}`, 200), &trig)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if d, err := srv.Delivery(context.Background(), trig.Deliveries[0]); err == nil && len(d.Attempts) > 0 {
			break
		}
	}
	check("POST", "/_mock/clock/advance", "/_mock/clock/advance", `{"by": "15m"}`, 200)
	check("GET", "/_mock/clock", "/_mock/clock", "", 200)
	check("GET", "/_mock/deliveries", "/_mock/deliveries?limit=10", "", 200)
	check("GET", "/_mock/deliveries/{id}", "/_mock/deliveries/"+trig.Deliveries[0], "", 200)
	check("POST", "/_mock/deliveries/{id}/replay", "/_mock/deliveries/"+trig.Deliveries[0]+"/replay", `{"allowInvalid": false}`, 200)
	check("POST", "/_mock/schedules", "/_mock/schedules", `{"id": "s", "event": "meeting.started", "every": "1h", "count": 1}`, 201)
	check("GET", "/_mock/schedules", "/_mock/schedules", "", 200)
	check("DELETE", "/_mock/schedules/{id}", "/_mock/schedules/s", "", 200)
	check("GET", "/_mock/health", "/_mock/health", "", 200)
	check("DELETE", "/v1/webhooks/{uuid}", "/v1/webhooks/"+hook.UUID, "", 200)
}
