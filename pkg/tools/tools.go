package tools

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Env is everything an applet may use of its surroundings. The shell builds one per
// command; Main builds one from the process.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Dir is the working directory; relative paths are resolved against it (never os.Getwd).
	Dir string
	// Environ is the environment as KEY=VALUE pairs.
	Environ []string
}

// Getenv returns the value of key in e.Environ, or "".
func (e *Env) Getenv(key string) string {
	v, _ := e.LookupEnv(key)
	return v
}

// LookupEnv returns the value of key in e.Environ and whether it is set.
func (e *Env) LookupEnv(key string) (string, bool) {
	for i := len(e.Environ) - 1; i >= 0; i-- {
		kv := e.Environ[i]
		if len(kv) > len(key) && kv[len(key)] == '=' && kv[:len(key)] == key {
			return kv[len(key)+1:], true
		}
	}
	return "", false
}

// Abs resolves name against e.Dir.
func (e *Env) Abs(name string) string {
	if name == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(e.Dir, name)
}

// Errorf prints "applet: message" to e.Stderr. It returns nothing so applets can write
// `env.Errorf(...); return 1`.
func (e *Env) Errorf(applet, format string, args ...any) {
	fmt.Fprintf(e.Stderr, "%s: %s\n", applet, fmt.Sprintf(format, args...))
}

// IsTerminal reports whether w is a terminal (used for colour and column output).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	return isTerminal(f.Fd())
}

// RunFunc runs an applet. args[0] is the name the applet was called by. It returns the
// exit status (0 success, 1 failure, 2 usage error by convention). ctx is cancelled when
// the user interrupts the command (Ctrl-C in the shell).
type RunFunc func(ctx context.Context, env *Env, args []string) int

// Applet is one tool of the toolbox.
type Applet struct {
	Name    string
	Aliases []string
	// Summary is one line for `help`.
	Summary string
	Run     RunFunc
	// Hidden applets (internal ones, such as ddebug-agent) are left out of 'help'.
	Hidden bool
	// HandlesSignals marks an applet that stops on SIGINT, SIGTERM and SIGHUP itself (the
	// shell, the agent): run as a process, its context is cancelled and its own status
	// stands. Any other applet is ended by those signals, whatever it is doing.
	HandlesSignals bool
}

// The applets are found through tables, not registered one by one: every family lists
// its applets in one slice (Applets in its applets.go), package all installs those slices,
// and a process's first lookups scan those tables: a process that runs one applet looks up
// a name or two, and building the index of some 300 names and aliases cost it more than
// all its lookups (a tenth of `ddebug-toolbox true`). A process that looks up more (a
// shell, at every command) builds the index at its scanLookups+1st. Starting the toolbox
// therefore runs no code per applet: an Applet is a package-level value the linker lays
// out, and a table of pointers to them is static data too.
var (
	mu      sync.Mutex
	tables  [][]*Applet
	index   atomic.Pointer[map[string]*Applet]
	lookups atomic.Int32
)

// scanLookups is how many lookups scan the tables before the index is built.
const scanLookups = 4

// Install adds a table of applets to the toolbox. Package all installs every family's
// table; a family's tests install their own. The index of names, built when first needed
// (Applets, Names, a process's scanLookups+1st Lookup), panics if two applets share a name
// or alias (a programming error package all's test catches).
func Install(table []*Applet) {
	mu.Lock()
	defer mu.Unlock()
	tables = append(tables, table)
	index.Store(nil)
}

// byName returns the index of every installed applet by name and alias, building it once.
func byName() map[string]*Applet {
	if m := index.Load(); m != nil {
		return *m
	}
	mu.Lock()
	defer mu.Unlock()
	if m := index.Load(); m != nil {
		return *m
	}
	m := map[string]*Applet{}
	for _, t := range tables {
		for _, a := range t {
			for _, n := range append([]string{a.Name}, a.Aliases...) {
				if _, dup := m[n]; dup {
					panic("tools: two applets are called " + n)
				}
				m[n] = a
			}
		}
	}
	index.Store(&m)
	return m
}

// Lookup finds an applet by name or alias.
func Lookup(name string) (*Applet, bool) {
	if m := index.Load(); m != nil || lookups.Add(1) > scanLookups {
		a, ok := byName()[name]
		return a, ok
	}
	return scan(name)
}

// scan finds an applet by name or alias in the tables, without the index.
func scan(name string) (*Applet, bool) {
	mu.Lock()
	defer mu.Unlock()
	for _, t := range tables {
		for _, a := range t {
			if a.Name == name || slices.Contains(a.Aliases, name) {
				return a, true
			}
		}
	}
	return nil, false
}

// Applets returns every installed applet once, sorted by name.
func Applets() []*Applet {
	seen := map[*Applet]bool{}
	var out []*Applet
	for _, a := range byName() {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Names returns every name and alias, sorted (for links in the image and completion).
func Names() []string {
	m := byName()
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ProcessEnv is the Env of the running process: its stdio, cwd and environment.
func ProcessEnv() *Env {
	dir, err := os.Getwd()
	if err != nil {
		dir = "/"
	}
	return &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Dir: dir, Environ: os.Environ()}
}

// Main runs the applet called name as a whole process would: args[0] is the name it was
// called by. It returns the exit status for os.Exit; 127 when there is no such applet.
func Main(ctx context.Context, args []string) int {
	name := filepath.Base(args[0])
	a, ok := Lookup(name)
	env := ProcessEnv()
	if !ok {
		fmt.Fprintf(env.Stderr, "ddebug: %s: no such applet (try 'help')\n", name)
		return 127
	}
	return a.Run(ctx, env, append([]string{name}, args[1:]...))
}

// WantsHelp reports whether args ask for help (--help or -h alone as the first argument).
func WantsHelp(args []string) bool {
	return len(args) > 1 && (args[1] == "--help" || args[1] == "-help")
}

// Usage prints "Usage: text" to env.Stdout for --help and returns 0.
func Usage(env *Env, text string) int {
	fmt.Fprintln(env.Stdout, "Usage: "+strings.TrimSpace(text))
	return 0
}
