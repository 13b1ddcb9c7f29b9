// Package layering holds the import-rule test that keeps the architecture honest: which
// package may depend on what.
package layering

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/kubectl-ddebug/kubectl-ddebug"

// deps lists every package pkg depends on, test files excluded.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
	}
	return strings.Fields(string(out))
}

func TestImportRules(t *testing.T) {
	rules := []struct {
		pkg     string
		allowed func(dep string) bool
		why     string
	}{
		{module + "/pkg/nsenter", func(d string) bool {
			return d == module+"/pkg/nsenter" || strings.HasPrefix(d, module+"/pkg/nsenter/") ||
				d == module+"/pkg/targetfile" || strings.HasPrefix(d, "golang.org/x/sys/")
		}, "pkg/nsenter runs in the most sensitive place: the standard library and golang.org/x/sys only"},
		{module + "/pkg/targetfile", func(d string) bool {
			return d == module+"/pkg/targetfile" || strings.HasPrefix(d, "golang.org/x/sys/")
		}, "pkg/targetfile is read by pkg/nsenter: the standard library and golang.org/x/sys only"},
		{module + "/cmd/ddebug-toolbox", func(d string) bool {
			return !strings.HasPrefix(d, "k8s.io/") && !strings.HasPrefix(d, "github.com/moby/") &&
				!strings.HasPrefix(d, "github.com/containerd/") && !strings.HasPrefix(d, "github.com/spf13/")
		}, "the toolbox image holds the toolbox alone: no Kubernetes, runtime clients or cobra"},
		{module + "/internal/sessionstart", func(d string) bool {
			return !strings.HasPrefix(d, "k8s.io/") && !strings.HasPrefix(d, "github.com/moby/") && !strings.HasPrefix(d, "github.com/containerd/") &&
				!strings.HasPrefix(d, "github.com/spf13/") && !strings.HasPrefix(d, "google.golang.org/grpc") && !strings.HasPrefix(d, module+"/internal/cli")
		}, "the plugin's session stage runs from this package's init, before what it does not import initialises: the toolbox alone"},
		{module + "/internal/launchstart", func(d string) bool {
			return d == module+"/internal/launchstart" || d == module+"/pkg/nsenter" || d == module+"/pkg/targetfile" ||
				strings.HasPrefix(d, "golang.org/x/sys/")
		}, "the plugin's launcher stage runs from this package's init, once what it imports is initialised: pkg/nsenter alone"},
		{module + "/pkg/tools/...", func(d string) bool {
			return !strings.HasPrefix(d, "k8s.io/") && !strings.HasPrefix(d, module+"/pkg/ephemeral") &&
				!strings.HasPrefix(d, module+"/internal/cli")
		}, "pkg/tools depends on nothing Kubernetes"},
		{module + "/pkg/...", func(d string) bool { return !strings.HasPrefix(d, module+"/internal/cli") }, "pkg/ never imports the CLI layer"},
		{module + "/pkg/target/containerd/direct", func(d string) bool {
			return strings.HasPrefix(d, module+"/") || d == "golang.org/x/net/http2/hpack"
		}, "the lean ddebug's containerd resolver speaks gRPC by hand: no gRPC, protobuf runtime or containerd client (their init costs more than the call)"},
		{module + "/cmd/kubectl-ddebug", func(d string) bool {
			return d != "github.com/containerd/containerd/v2/client" && d != "github.com/distribution/reference"
		}, "the whole product asks containerd's API services itself (pkg/target/containerd): the v2 client package links every containerd service and distribution/reference, whose init cost every command of the plugin 3.4 ms"},
		{module + "/pkg/target", func(d string) bool { return !strings.HasPrefix(d, module+"/pkg/target/") },
			"pkg/target knows no runtime: each runtime's package owns its references and internal/cli registers it"},
	}
	for _, r := range rules {
		for _, d := range deps(t, r.pkg) {
			if !r.allowed(d) {
				t.Errorf("%s depends on %s: %s", r.pkg, d, r.why)
			}
		}
	}
	// pkg/ephemeral never imports pkg/nsenter (when it exists).
	if out, err := exec.Command("go", "list", module+"/pkg/ephemeral").CombinedOutput(); err == nil {
		for _, d := range deps(t, module+"/pkg/ephemeral") {
			if d == module+"/pkg/nsenter" {
				t.Errorf("pkg/ephemeral depends on pkg/nsenter: the Kubernetes face never enters namespaces on the host")
			}
		}
	} else if !strings.Contains(string(out), "cannot find package") && !strings.Contains(string(out), "no Go files") && !strings.Contains(string(out), "is not in std") {
		t.Fatalf("go list pkg/ephemeral: %v\n%s", err, out)
	}
}

// The toolbox's house rules (pkg/tools/doc.go): a family of applets imports the contract
// (pkg/tools) and the libraries, never another family; a library imports no family; and
// applets parse their flags with pkg/tools/gnuflag, never the standard library's flag.
var (
	toolFamilies = []string{"agent", "archive", "files", "netx", "proc", "shell", "text"}
	// Packages of pkg/tools that are neither the contract, a library nor a family: they
	// put the families together (all, toolbox) or serve their tests (toolstest).
	toolAssemblies = []string{"all", "toolbox", "toolstest"}
)

// toolsPackage splits an import path under pkg/tools into its first element ("files" for
// pkg/tools/files and pkg/tools/text/awk's "text"); ok is false outside pkg/tools/*.
func toolsPackage(path string) (top string, ok bool) {
	rest, ok := strings.CutPrefix(path, module+"/pkg/tools/")
	if !ok {
		return "", false
	}
	top, _, _ = strings.Cut(rest, "/")
	return top, true
}

func TestToolboxLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"/pkg/tools/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list pkg/tools/...: %v\n%s", err, out)
	}
	isFamily := func(top string) bool { return slices.Contains(toolFamilies, top) }
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg, imports := f[0], f[1:]
		top, _ := toolsPackage(pkg)
		for _, imp := range imports {
			if imp == "flag" {
				t.Errorf("%s imports the standard library's flag: applets parse their flags with pkg/tools/gnuflag", pkg)
			}
			itop, ok := toolsPackage(imp)
			if !ok || itop == top || !isFamily(itop) || slices.Contains(toolAssemblies, top) {
				continue
			}
			if isFamily(top) {
				t.Errorf("%s imports %s: a family never imports another family; move what both need into a library under pkg/tools", pkg, imp)
			} else {
				t.Errorf("%s imports %s: a library never imports a family of applets", pkg, imp)
			}
		}
	}
}

// TestNoInitInToolbox: no package of pkg/tools but the assemblies (all installs the
// families' tables, toolbox its own two applets) has an init function. A toolbox process
// runs one applet; a table that applet may never use is built on first use, not at start
// (pkg/tools/toolbox's TestInitWork measures what package initialisation allocates).
func TestNoInitInToolbox(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{.Dir}} {{join .GoFiles \" \"}}", module+"/pkg/tools/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list pkg/tools/...: %v\n%s", err, out)
	}
	files := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg, dir := f[0], f[1]
		if top, _ := toolsPackage(pkg); slices.Contains(toolAssemblies, top) {
			continue
		}
		for _, name := range f[2:] {
			files++
			file, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, name), nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range file.Decls {
				if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == "init" {
					t.Errorf("%s/%s has an init function: build what it builds on first use (sync.OnceValue)", pkg, name)
				}
			}
		}
	}
	if files < 100 {
		t.Fatalf("read %d files of pkg/tools, want the toolbox's", files)
	}
}

// TestLeanHost: the ddebug that make install puts in place (cmd/ddebug, tags ddebug_host
// ddebug_lean) starts about as fast as a Go hello world because it links only the command
// line, the session code, the pid:// and docker:// resolvers, containerd's for a container's
// ID (gRPC by hand, x/net's hpack: 0.02 ms of init) and where the other runtimes listen
// (hostsockets, to know whether a bare name is Docker's alone): no other runtime's client,
// no Kubernetes, no applet, no net/http. What it lacks it hands to kubectl-ddebug.
func TestLeanHost(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-tags", "ddebug_host ddebug_lean", "-f", "{{.ImportPath}}", module+"/cmd/ddebug").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps cmd/ddebug: %v\n%s", err, out)
	}
	// pkg/nsenter/... and pkg/targetfile are the session itself (stdlib and x/sys only, see
	// TestImportRules).
	allowed := []string{
		module + "/cmd/ddebug", module + "/internal/cli", module + "/internal/sessionbin", module + "/internal/spelling",
		module + "/pkg/nsenter", module + "/pkg/targetfile", module + "/pkg/target", module + "/pkg/target/docker", module + "/pkg/target/hostsockets",
		module + "/pkg/target/containerd/direct", module + "/pkg/target/containerd/internal/grpcunix", "golang.org/x/net/http2/hpack",
		"github.com/spf13/cobra", "github.com/spf13/pflag", "golang.org/x/sys/unix", "golang.org/x/term",
	}
	for _, d := range strings.Fields(string(out)) {
		std := !strings.Contains(strings.Split(d, "/")[0], ".")
		switch {
		case d == "net/http" || d == "crypto/tls":
			t.Errorf("the lean ddebug links %s: the Docker and containerd resolvers speak their requests themselves", d)
		case !std && !slices.Contains(allowed, d) && !strings.HasPrefix(d, module+"/pkg/nsenter/"):
			t.Errorf("the lean ddebug links %s: its initialisation delays every ddebug exec; leave it to kubectl-ddebug (internal/cli/runtimes_lean.go)", d)
		}
	}
}

// TestNoTablesAtStart: no package of the module builds a regular expression or a map in a
// package-level variable's initialiser, code that Go runs at the start of every process
// that links the package (the toolbox, each session, the plugin, ddebug) whether or not
// the process ever uses it (issue 18). Build it on first use (sync.OnceValue), or make it
// a switch or an array, which are code and static data. pkg/tools/toolbox's TestInitWork
// measures what the toolbox's initialisation allocates; this test covers the rest too.
func TestNoTablesAtStart(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{.Dir}} {{join .GoFiles \" \"}}", module+"/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list %s/...: %v\n%s", module, err, out)
	}
	files := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || !strings.HasPrefix(f[0], module+"/pkg/") && !strings.HasPrefix(f[0], module+"/internal/") && !strings.HasPrefix(f[0], module+"/cmd/") {
			continue
		}
		for _, name := range f[2:] {
			files++
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, filepath.Join(f[1], name), nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			regexpName := "" // the file's name for package regexp, if it imports it
			for _, imp := range file.Imports {
				if imp.Path.Value == `"regexp"` {
					regexpName = "regexp"
					if imp.Name != nil {
						regexpName = imp.Name.Name
					}
				}
			}
			for _, d := range file.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.VAR {
					continue
				}
				for _, spec := range g.Specs {
					for _, v := range spec.(*ast.ValueSpec).Values {
						if what := startWork(v, regexpName); what != "" {
							t.Errorf("%s: a package-level variable builds %s at the start of every process: build it on first use (sync.OnceValue), or use a switch or an array",
								fset.Position(v.Pos()), what)
						}
					}
				}
			}
		}
	}
	if files < 300 {
		t.Fatalf("read %d files of the module, want all of pkg, internal and cmd", files)
	}
}

// startWork says what expression e builds when it runs: "a regular expression" (a call
// of package regexp), "a map" (a map literal), or "" for neither. Function literals are
// not looked into: their bodies run when called.
func startWork(e ast.Expr, regexpName string) string {
	what := ""
	ast.Inspect(e, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.SelectorExpr:
			if id, ok := x.X.(*ast.Ident); ok && regexpName != "" && id.Name == regexpName {
				what = "a regular expression"
			}
		case *ast.CompositeLit:
			if _, ok := x.Type.(*ast.MapType); ok && what == "" {
				what = "a map"
			}
		}
		return what == ""
	})
	return what
}

// TestDirectLeavesOutHTTP: the lean ddebug's containerd resolver links neither net/http
// nor crypto/tls (standard packages, which deps leaves out): HTTP/2 is spoken by hand.
func TestDirectLeavesOutHTTP(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", module+"/pkg/target/containerd/direct").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, d := range strings.Fields(string(out)) {
		if d == "net/http" || d == "crypto/tls" {
			t.Errorf("pkg/target/containerd/direct depends on %s: its initialisation is what the lean ddebug avoids", d)
		}
	}
}
