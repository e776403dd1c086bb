package engine_test

import (
	"cmp"
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/hookmock/hookmock/"

// engineImports are the packages of this module the engine may import:
// the store it reads and writes through, the leaf packages, and the
// generator's clock. Anything above it (the API in mockserver, its
// scenario, schedule, ui and loadgen packages) imports the engine, so the
// engine never imports them.
var engineImports = []string{
	module + "mockserver/store",
	module + "mockserver/wire",
	module + "generator",
	module + "generator/clock",
	module + "signing",
}

// forbiddenImports serve HTTP, or fake serving it: the engine sends
// requests and answers none.
var forbiddenImports = []string{"net/http/httptest", "net/http/httputil", "net/http/pprof", "html/template"}

// engineHTTP is what the engine may use of net/http: a client to send
// with, the headers it sends, and the status it counts as success.
var engineHTTP = []string{"Client", "Header", "StatusOK"}

// The engine serves no HTTP and imports nothing above it: no import of
// the API's packages or of net/http's server side, no function (declared
// or literal) that takes an http.ResponseWriter or an *http.Request, and
// of net/http only the client side.
func TestEngineServesNoHTTP(t *testing.T) {
	fset := gotoken.NewFileSet()
	var files []*ast.File
	err := fs.WalkDir(os.DirFS("."), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && name != "." {
			return cmp.Or(err, fs.SkipDir)
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		files = append(files, f)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no engine files found")
	}
	for _, f := range files {
		httpName := ""
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			switch {
			case slices.Contains(forbiddenImports, path):
				t.Errorf("%s: the engine imports %s, which serves HTTP", fset.Position(imp.Pos()), path)
			case strings.HasPrefix(path, module) && !slices.Contains(engineImports, path):
				t.Errorf("%s: the engine imports %s; it may import only %v (imports flow mockserver → engine → store)", fset.Position(imp.Pos()), path, engineImports)
			case path == "net/http":
				httpName = "http"
				if imp.Name != nil {
					httpName = imp.Name.Name
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncType:
				if handlerParams(n, httpName) {
					t.Errorf("%s: a function of the engine takes an http.ResponseWriter or *http.Request: handlers belong to the API", fset.Position(n.Pos()))
				}
			case *ast.SelectorExpr:
				if x, ok := n.X.(*ast.Ident); ok && httpName != "" && x.Name == httpName && !slices.Contains(engineHTTP, n.Sel.Name) {
					t.Errorf("%s: the engine uses http.%s; of net/http it may use only %v", fset.Position(n.Pos()), n.Sel.Name, engineHTTP)
				}
			}
			return true
		})
	}
}

// handlerParams reports a parameter of type http.ResponseWriter or
// *http.Request, http being the file's name for net/http.
func handlerParams(ft *ast.FuncType, httpName string) bool {
	if httpName == "" || ft.Params == nil {
		return false
	}
	for _, p := range ft.Params.List {
		typ := p.Type
		if star, ok := typ.(*ast.StarExpr); ok {
			typ = star.X
		}
		if sel, ok := typ.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == httpName && (sel.Sel.Name == "ResponseWriter" || sel.Sel.Name == "Request") {
				return true
			}
		}
	}
	return false
}
