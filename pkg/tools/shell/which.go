package shell

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Which is which [-a] NAME...: say what a command name runs.
var Which = tools.Applet{Name: "which", Summary: "say what a command name runs: an applet or a file on PATH", Run: runWhich}

func runWhich(_ context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "which [-a] NAME...\n\nSay what each NAME runs as a command: \"NAME: applet\" for a toolbox applet (it runs\nin-process and wins over a file of the same name on PATH), else the file's path on PATH\n(also for an applet whose first file on PATH is a link to the toolbox itself).\n  -a  also list every matching file on PATH (even behind an applet)\nExit 1 if a NAME is found nowhere.")
	}
	all := false
	names := args[1:]
	if len(names) > 0 && names[0] == "-a" {
		all, names = true, names[1:]
	}
	status := 0
	for _, name := range names {
		found := false
		if _, ok := tools.Lookup(name); ok && !strings.Contains(name, "/") && !toolboxOnPath(env, name) {
			fmt.Fprintf(env.Stdout, "%s: applet\n", name)
			found = true
			if !all {
				continue
			}
		}
		for _, p := range lookPathAll(env, name, all) {
			fmt.Fprintln(env.Stdout, p)
			found = true
		}
		if !found {
			status = 1
		}
	}
	return status
}

// toolboxOnPath reports whether the first NAME on env's PATH is the toolbox itself (a link
// to it, as an image or BusyBox's testsuite installs): then that path is what runs, the
// applet being the same program, and which prints it as GNU which does.
func toolboxOnPath(env *tools.Env, name string) bool {
	p, err := tools.LookPath(env, name)
	if err != nil {
		return false
	}
	self, err := os.Executable()
	if err != nil {
		return false
	}
	a, errA := os.Stat(p)
	b, errB := os.Stat(self)
	return errA == nil && errB == nil && os.SameFile(a, b)
}

// lookPathAll returns the first (or, with all, every) executable called name on env's PATH.
func lookPathAll(env *tools.Env, name string, all bool) []string {
	if !all || strings.Contains(name, "/") {
		if p, err := tools.LookPath(env, name); err == nil {
			return []string{p}
		}
		return nil
	}
	path, ok := env.LookupEnv("PATH")
	if !ok {
		path = tools.DefaultPath
	}
	var out []string
	for _, dir := range filepath.SplitList(path) {
		sub := &tools.Env{Dir: env.Dir, Environ: []string{"PATH=" + dir}}
		if p, err := tools.LookPath(sub, name); err == nil {
			out = append(out, p)
		}
	}
	return out
}
