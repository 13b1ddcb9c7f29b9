package tools

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
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
}

var (
	mu       sync.RWMutex
	registry = map[string]*Applet{}
)

// Register adds an applet under its name and aliases. It panics on a duplicate name,
// which is a programming error caught by any test that imports the packages.
func Register(a Applet) {
	mu.Lock()
	defer mu.Unlock()
	p := &a
	for _, n := range append([]string{a.Name}, a.Aliases...) {
		if _, dup := registry[n]; dup {
			panic("tools: applet registered twice: " + n)
		}
		registry[n] = p
	}
}

// Lookup finds an applet by name or alias.
func Lookup(name string) (*Applet, bool) {
	mu.RLock()
	defer mu.RUnlock()
	a, ok := registry[name]
	return a, ok
}

// Applets returns every registered applet once, sorted by name.
func Applets() []*Applet {
	mu.RLock()
	defer mu.RUnlock()
	seen := map[*Applet]bool{}
	var out []*Applet
	for _, a := range registry {
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
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(registry))
	for n := range registry {
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
