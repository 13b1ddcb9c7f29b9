//go:build linux

package proc

import (
	"context"
	"fmt"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Env is env: print the environment or run a command in a modified one.
var Env = tools.Applet{Name: "env", Summary: "print the environment or run a command in a modified one", Run: runEnv}

func runEnv(ctx context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "env [-i] [-u NAME]... [-0] [NAME=VALUE]... [COMMAND [ARG]...]")
	}
	environ := append([]string(nil), env.Environ...)
	nul := false
	rest := args[1:]
	for len(rest) > 0 && strings.HasPrefix(rest[0], "-") {
		a := rest[0]
		rest = rest[1:]
		switch {
		case a == "--":
			goto assignments
		case a == "-" || a == "-i" || a == "--ignore-environment":
			environ = nil
		case a == "-0" || a == "--null":
			nul = true
		case a == "-u" || a == "--unset":
			if len(rest) == 0 {
				env.Errorf("env", "option %s requires an argument", a)
				return 125
			}
			environ = unsetEnv(environ, rest[0])
			rest = rest[1:]
		case strings.HasPrefix(a, "-u"):
			environ = unsetEnv(environ, a[2:])
		case strings.HasPrefix(a, "--unset="):
			environ = unsetEnv(environ, strings.TrimPrefix(a, "--unset="))
		default:
			env.Errorf("env", "invalid option %q", a)
			return 125
		}
	}
assignments:
	for len(rest) > 0 && strings.Contains(rest[0], "=") {
		k, _, _ := strings.Cut(rest[0], "=")
		environ = append(unsetEnv(environ, k), rest[0])
		rest = rest[1:]
	}
	if len(rest) == 0 {
		sep := "\n"
		if nul {
			sep = "\x00"
		}
		for _, kv := range environ {
			fmt.Fprint(env.Stdout, kv+sep)
		}
		return 0
	}
	child := *env
	child.Environ = environ
	return tools.RunCommand(ctx, &child, rest)
}

func unsetEnv(environ []string, key string) []string {
	out := environ[:0:0]
	for _, kv := range environ {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return out
}
