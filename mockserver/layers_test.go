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

// engineFields are the Provider's parts below its methods: the delivery log
// over the store, and the delivery engine.
var engineFields = []string{"store", "engine"}

// The HTTP handlers call the provider, never the store (or the engine)
// directly: nothing in the API's files, and no function that takes an
// http.ResponseWriter anywhere in the package, reaches through a
// Provider's store or engine field.
func TestHandlersGoThroughTheProvider(t *testing.T) {
	fset := gotoken.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
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
