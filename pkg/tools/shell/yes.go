package shell

import (
	"bufio"
	"context"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Yes is yes [STRING]: print a line repeatedly until killed.
var Yes = tools.Applet{Name: "yes", Summary: "print a line repeatedly until killed", Run: runYes}

func runYes(ctx context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "yes [STRING]...\n\nPrint STRING (default y) on a line, again and again, until interrupted or the output closes.")
	}
	line := "y"
	if len(args) > 1 {
		line = strings.Join(args[1:], " ")
	}
	// Write in blocks: a pipe into head must not cost a syscall per line.
	block := strings.Repeat(line+"\n", max(1, 8192/(len(line)+1)))
	w := bufio.NewWriterSize(env.Stdout, len(block))
	for ctx.Err() == nil {
		if _, err := w.WriteString(block); err != nil {
			return 1
		}
		if err := w.Flush(); err != nil {
			return 1 // reader went away (EPIPE): that is how yes ends
		}
	}
	return 130
}
