package signals

import (
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// Signal is a signal and its name without SIG.
type Signal struct {
	Num  syscall.Signal
	Name string
}

// common is the signals every Unix has; osSignals (signals_linux.go) adds the others.
var common = []Signal{
	{syscall.SIGHUP, "HUP"}, {syscall.SIGINT, "INT"}, {syscall.SIGQUIT, "QUIT"}, {syscall.SIGILL, "ILL"},
	{syscall.SIGTRAP, "TRAP"}, {syscall.SIGABRT, "ABRT"}, {syscall.SIGBUS, "BUS"}, {syscall.SIGFPE, "FPE"},
	{syscall.SIGKILL, "KILL"}, {syscall.SIGUSR1, "USR1"}, {syscall.SIGSEGV, "SEGV"}, {syscall.SIGUSR2, "USR2"},
	{syscall.SIGPIPE, "PIPE"}, {syscall.SIGALRM, "ALRM"}, {syscall.SIGTERM, "TERM"}, {syscall.SIGCHLD, "CHLD"},
	{syscall.SIGCONT, "CONT"}, {syscall.SIGSTOP, "STOP"}, {syscall.SIGTSTP, "TSTP"}, {syscall.SIGTTIN, "TTIN"},
	{syscall.SIGTTOU, "TTOU"}, {syscall.SIGURG, "URG"}, {syscall.SIGXCPU, "XCPU"}, {syscall.SIGXFSZ, "XFSZ"},
	{syscall.SIGVTALRM, "VTALRM"}, {syscall.SIGPROF, "PROF"}, {syscall.SIGWINCH, "WINCH"}, {syscall.SIGIO, "IO"},
	{syscall.SIGSYS, "SYS"},
}

// List returns every named signal, by number.
func List() []Signal {
	out := append(append([]Signal(nil), common...), osSignals...)
	sort.Slice(out, func(i, j int) bool { return out[i].Num < out[j].Num })
	return out
}

// Name returns the name of sig without SIG ("TERM"), or "" for a signal without one.
func Name(sig syscall.Signal) string {
	for _, t := range [2][]Signal{common, osSignals} {
		for _, s := range t {
			if s.Num == sig {
				return s.Name
			}
		}
	}
	return ""
}

// Parse reads a signal as kill takes it: a number from 0 to 64, or a name with or
// without SIG, in any case.
func Parse(s string) (syscall.Signal, bool) {
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && n < 65 {
		return syscall.Signal(n), true
	}
	name := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	for _, t := range [2][]Signal{common, osSignals} {
		for _, sig := range t {
			if sig.Name == name {
				return sig.Num, true
			}
		}
	}
	return 0, false
}
