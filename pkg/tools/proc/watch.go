//go:build linux

package proc

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Watch is watch: run a command again and again, showing its output full screen.
//
//	watch [-n SECONDS] [-t] [-x] [-e] [-g] COMMAND [ARG]...
var Watch = tools.Applet{Name: "watch", Summary: "run a command repeatedly, showing its output full screen", Run: runWatch}

func runWatch(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("watch", "")
	fs.StopAtOperand = true
	interval := fs.String('n', "interval", "2")
	noTitle := fs.Bool('t', "no-title")
	direct := fs.Bool('x', "exec")
	errExit := fs.Bool('e', "errexit")
	changeExit := fs.Bool('g', "chgexit")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "watch [-n SECONDS] [-t] [-x] [-e] [-g] COMMAND [ARG]...\n"+
			"Runs COMMAND (through sh -c; -x: as is) every SECONDS (2), showing its output under a title (-t: none).\n"+
			"-e: stop when it fails; -g: stop when its output changes. Ctrl-C ends.")
	}
	secs, perr := strconv.ParseFloat(strings.Replace(*interval, ",", ".", 1), 64)
	if err == nil && (perr != nil || secs < 0) {
		err = fmt.Errorf("invalid interval %q", *interval)
	}
	if err == nil && len(ops) == 0 {
		err = fmt.Errorf("need a command")
	}
	if err != nil {
		env.Errorf("watch", "%v (watch --help)", err)
		return 1
	}
	secs = max(secs, 0.1)
	command := strings.Join(ops, " ")
	argv := []string{"sh", "-c", command}
	if *direct {
		argv = ops
	}
	out, isTTY := env.Stdout.(*os.File)
	isTTY = isTTY && tools.IsTerminal(out)
	host, _ := os.Hostname()
	var last []byte
	for first := true; ; first = false {
		var buf bytes.Buffer
		child := *env
		child.Stdout, child.Stderr = &buf, &buf
		child.Stdin = strings.NewReader("")
		status := tools.RunCommand(ctx, &child, argv)
		if ctx.Err() != nil {
			return 0
		}
		var screen bytes.Buffer
		if isTTY {
			screen.WriteString("\x1b[H\x1b[2J")
		}
		if !*noTitle {
			left := fmt.Sprintf("Every %.1fs: %s", secs, command)
			right := fmt.Sprintf("%s: %s", host, time.Now().Format("Mon Jan _2 15:04:05 2006"))
			width := 80
			if isTTY {
				if w, _, err := term.GetSize(int(out.Fd())); err == nil {
					width = w
				}
			}
			pad := max(width-len(left)-len(right), 1)
			fmt.Fprintf(&screen, "%s%*s%s\n\n", left, pad, "", right)
		}
		screen.Write(buf.Bytes())
		env.Stdout.Write(screen.Bytes())
		if *errExit && status != 0 {
			fmt.Fprintf(env.Stderr, "watch: command exited with status %d\n", status)
			return 8
		}
		if *changeExit && !first && !bytes.Equal(last, buf.Bytes()) {
			return 0
		}
		last = buf.Bytes()
		if !sleepCtx(ctx, time.Duration(secs*float64(time.Second))) {
			return 0
		}
	}
}
