//go:build linux

package proc

import (
	"context"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Time is time: run a command and report the time and resources it used, as GNU time
// does (the shell's own 'time' keyword times pipelines; this is /usr/bin/time).
//
//	time [-p] [-o FILE [-a]] COMMAND [ARG]...
var Time = tools.Applet{Name: "time", Summary: "run a command and report the time and resources it used", Run: runTime}

func runTime(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("time", "")
	fs.StopAtOperand = true
	posix := fs.Bool('p', "portability")
	output := fs.String('o', "output", "")
	appendOut := fs.Bool('a', "append")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "time [-p] [-o FILE [-a]] COMMAND [ARG]...\n"+
			"Runs COMMAND, then writes to standard error (-o: FILE) its times, memory and I/O as GNU time;\n"+
			"-p: POSIX's 'real', 'user' and 'sys' lines.")
	}
	if err == nil && len(ops) == 0 {
		err = fmt.Errorf("need a command")
	}
	if err != nil {
		env.Errorf("time", "%v (time --help)", err)
		return 125
	}
	var report io.Writer = env.Stderr
	if *output != "" {
		flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if *appendOut {
			flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
		}
		f, err := os.OpenFile(env.Abs(*output), flags, 0o666)
		if err != nil {
			env.Errorf("time", "cannot open %s: %v", *output, err)
			return 125
		}
		defer f.Close()
		report = f
	}
	cmd, status := commandProcess(env, ops)
	if cmd == nil {
		return status
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return startFailed(env, "time", cmd, err)
	}
	status = waitStatus(ctx, env, cmd)
	elapsed := time.Since(start)
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if ru == nil {
		ru = &syscall.Rusage{}
	}
	user := time.Duration(ru.Utime.Nano())
	sys := time.Duration(ru.Stime.Nano())
	if *posix {
		fmt.Fprintf(report, "real %.2f\nuser %.2f\nsys %.2f\n", elapsed.Seconds(), user.Seconds(), sys.Seconds())
		return status
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		fmt.Fprintf(report, "Command terminated by signal %d\n", ws.Signal())
	} else if status != 0 {
		fmt.Fprintf(report, "Command exited with non-zero status %d\n", status)
	}
	cpu := "?%"
	if elapsed > 0 {
		cpu = fmt.Sprintf("%d%%", int((user+sys)*100/elapsed))
	}
	fmt.Fprintf(report, "%.2fuser %.2fsystem %selapsed %sCPU (0avgtext+0avgdata %dmaxresident)k\n"+
		"%dinputs+%doutputs (%dmajor+%dminor)pagefaults %dswaps\n",
		user.Seconds(), sys.Seconds(), timeElapsed(elapsed), cpu, ru.Maxrss,
		ru.Inblock, ru.Oublock, ru.Majflt, ru.Minflt, ru.Nswap)
	return status
}

// timeElapsed is GNU time's %E: [hours:]minutes:seconds, with hundredths under an hour.
func timeElapsed(d time.Duration) string {
	cs := int64(d / (10 * time.Millisecond))
	s := cs / 100
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d.%02d", s/60, s%60, cs%100)
}
