package ephemeral

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLayering keeps the faces apart: pkg/ephemeral never reaches pkg/nsenter, and the
// agent (part of the toolbox) never reaches Kubernetes.
func TestLayering(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	tests := []struct {
		pkg       string
		forbidden []string
	}{
		{"github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral", []string{"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"}},
		{"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/agent", []string{"k8s.io/", "github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral"}},
	}
	for _, tt := range tests {
		out, err := exec.Command("go", "list", "-deps", tt.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", tt.pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range tt.forbidden {
				if strings.HasPrefix(dep, f) {
					t.Errorf("%s depends on %s", tt.pkg, dep)
				}
			}
		}
	}
}

// TestPackagesNeverPrint keeps "pkg/ never prints": the non-test files of pkg/ephemeral,
// pkg/target and pkg/nsenter (every OS's, whatever their build tags) use no os.Stdout,
// os.Stderr, fmt.Print*, print/println or package log; they return errors and report
// progress through callbacks, and the CLI prints.
func TestPackagesNeverPrint(t *testing.T) {
	for _, dir := range []string{".", "../target", "../nsenter"} {
		err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() && e.Name() == "testdata" {
				return filepath.SkipDir
			}
			if e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			for _, p := range printsIn(t, path) {
				t.Errorf("%s: %s (pkg/ never prints: return an error or report through a callback)", path, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// printsIn returns the printing uses in the Go file at path, with their lines.
func printsIn(t *testing.T, path string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	found := func(pos token.Pos, what string) {
		out = append(out, fmt.Sprintf("line %d: %s", fset.Position(pos).Line, what))
	}
	names := map[string]string{} // local name -> import path, for os and fmt
	for _, imp := range f.Imports {
		ip, _ := strconv.Unquote(imp.Path.Value)
		name := ip
		if imp.Name != nil {
			name = imp.Name.Name
		}
		switch ip {
		case "log", "log/slog":
			found(imp.Pos(), "imports "+ip)
		case "os", "fmt":
			names[name] = ip
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			x, ok := n.X.(*ast.Ident)
			if !ok {
				return true
			}
			switch names[x.Name] {
			case "os":
				if n.Sel.Name == "Stdout" || n.Sel.Name == "Stderr" {
					found(n.Pos(), "os."+n.Sel.Name)
				}
			case "fmt":
				if strings.HasPrefix(n.Sel.Name, "Print") {
					found(n.Pos(), "fmt."+n.Sel.Name)
				}
			}
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && (id.Name == "print" || id.Name == "println") {
				found(n.Pos(), id.Name)
			}
		}
		return true
	})
	return out
}

// TestPrintsInFindsPrints: the guard sees through import names.
func TestPrintsInFindsPrints(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.go")
	src := `package p

import (
	"log"
	f "fmt"
	"os"
)

func g() {
	f.Println("x")
	f.Fprintln(os.Stderr, "y")
	f.Fprintf(nil, "ok: not a print")
	log.Print("z")
	println("w")
	_ = os.Stdin
}
`
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(printsIn(t, path), "\n")
	for _, want := range []string{"line 4: imports log", "line 10: fmt.Println", "line 11: os.Stderr", "line 14: println"} {
		if !strings.Contains(got, want) {
			t.Errorf("printsIn lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "\n")+1 != 4 {
		t.Errorf("printsIn found more than the four prints:\n%s", got)
	}
}
