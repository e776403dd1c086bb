package mockserver_test

import (
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// apiFiles serve HTTP and nothing else: the management API, the control
// API, the inspector's pages, the OpenAPI document, errors and the
// listener.
var apiFiles = []string{"api.go", "auth.go", "control.go", "errors.go", "openapi.go", "scenarios_http.go", "ui.go", "inspector.go", "server.go"}

// engineFields are the Provider's parts below its methods: the store, the
// delivery engine, and the webhook registry (package engine).
var engineFields = []string{"store", "engine", "hooks"}

// The HTTP handlers call the provider, never the store (or the engine)
// directly: nothing in the API's files, and no function that takes an
// http.ResponseWriter anywhere in the package, reaches through a
// Provider's store, engine or hooks field.
func TestHandlersGoThroughTheProvider(t *testing.T) {
	fset := gotoken.NewFileSet()
	seen := 0
	for name, f := range parsePackage(t, fset) {
		api := slices.Contains(apiFiles, name)
		if api {
			seen++
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil || !api && !takesResponseWriter(fn.Type) {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if lit, ok := n.(*ast.FuncLit); ok && !api && !takesResponseWriter(lit.Type) {
					return true
				}
				if sel, ok := n.(*ast.SelectorExpr); ok && slices.Contains(engineFields, sel.Sel.Name) {
					t.Errorf("%s: %s reaches the provider's %s directly; call a Provider method instead", fset.Position(sel.Pos()), fn.Name.Name, sel.Sel.Name)
				}
				return true
			})
		}
	}
	if seen != len(apiFiles) {
		t.Fatalf("found %d of the %d API files %v: update apiFiles", seen, len(apiFiles), apiFiles)
	}
}

func takesResponseWriter(ft *ast.FuncType) bool {
	for _, p := range ft.Params.List {
		if sel, ok := p.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "ResponseWriter" {
			return true
		}
	}
	return false
}

// engineOwned are the store's methods over what the engine owns: the
// webhooks, the deliveries, their work and its leases.
var engineOwned = []string{"PutWebhook", "Webhook", "Webhooks", "WebhooksVersion", "UpdateWebhook", "DeleteWebhook",
	"Enqueue", "SaveDelivery", "ResetDeliveries", "Retain", "ClaimWork", "Finish", "Mark", "Delivered", "Renew", "Release",
	"NextDue", "Wake"}

// The provider reads and writes its own documents (schedules, scenarios,
// the clock) and counters in the store; webhooks, deliveries and their
// work it reaches only through the engine (package engine), which keeps
// its view of them in step with the store.
func TestOnlyTheEngineTouchesDeliveries(t *testing.T) {
	fset := gotoken.NewFileSet()
	calls := 0
	for _, f := range parsePackage(t, fset) {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			method, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if field, ok := method.X.(*ast.SelectorExpr); ok && field.Sel.Name == "store" {
				calls++
				if slices.Contains(engineOwned, method.Sel.Name) {
					t.Errorf("%s: the provider calls the store's %s, which is the engine's to call", fset.Position(call.Pos()), method.Sel.Name)
				}
			}
			return true
		})
	}
	if calls == 0 {
		t.Fatal("no call through the provider's store field found: has it been renamed? update this test")
	}
}

// parsePackage parses this package's files, tests left out, by name.
func parsePackage(t *testing.T, fset *gotoken.FileSet) map[string]*ast.File {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*ast.File{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		if files[name], err = parser.ParseFile(fset, name, nil, 0); err != nil {
			t.Fatal(err)
		}
	}
	return files
}
