package shell

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/signals"
)

// job is a statement started with '&'. It runs on a copy of the interpreter in a goroutine;
// the programs it execs are in their own process groups, and their PIDs are recorded.
type job struct {
	id     int
	text   string
	cancel context.CancelFunc
	done   chan struct{}

	mu       sync.Mutex
	pids     []int // running child processes
	firstPID int
	started  chan struct{} // closed once the job ran its first command (or ended)
	once     sync.Once
	status   int
	reported bool
	signaled bool // kill sent its processes a signal: cancelling it must not add SIGINT
	traps    jobTraps
}

type jobKey struct{}

// jobOf returns the job that ctx belongs to, or nil in the foreground.
func jobOf(ctx context.Context) *job {
	j, _ := ctx.Value(jobKey{}).(*job)
	return j
}

// cancelSignaled cancels the applets of a job whose processes kill has just signalled.
func (j *job) cancelSignaled() {
	j.mu.Lock()
	j.signaled = true
	j.mu.Unlock()
	j.cancel()
}

func (j *job) wasSignaled() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.signaled
}

func (j *job) markStarted() { j.once.Do(func() { close(j.started) }) }

// fresh reports whether the job has not started a command yet.
func (j *job) fresh() bool {
	select {
	case <-j.started:
		return false
	default:
		return true
	}
}

func (j *job) addProcess(pid int) {
	j.mu.Lock()
	j.pids = append(j.pids, pid)
	if j.firstPID == 0 {
		j.firstPID = pid
	}
	j.mu.Unlock()
	j.markStarted()
}

func (j *job) removeProcess(pid int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i, p := range j.pids {
		if p == pid {
			j.pids = append(j.pids[:i], j.pids[i+1:]...)
			return
		}
	}
}

func (j *job) running() bool {
	select {
	case <-j.done:
		return false
	default:
		return true
	}
}

// ref is how $! and jobs -l name the job: its first PID, else %N.
func (j *job) ref() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.firstPID != 0 {
		return strconv.Itoa(j.firstPID)
	}
	return "%" + strconv.Itoa(j.id)
}

// signal sends sig to every process group of the job; SIGINT, SIGTERM, SIGKILL and SIGHUP
// also cancel its in-process applets.
func (j *job) signal(sig syscall.Signal) error {
	if j.traps.catch(sig) {
		return nil // a trap of the job's own: pending there
	}
	j.mu.Lock()
	pids := append([]int(nil), j.pids...)
	j.mu.Unlock()
	var firstErr error
	for _, p := range pids {
		if err := syscall.Kill(-p, sig); err != nil {
			if err := syscall.Kill(p, sig); err != nil && firstErr == nil {
				firstErr = err
			}
		}
	}
	switch sig {
	case syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL, syscall.SIGHUP:
		j.cancelSignaled()
	}
	return firstErr
}

// jobTable holds the shell's jobs, numbered from 1 like other shells' %1, %2.
type jobTable struct {
	mu   sync.Mutex
	jobs []*job
	last *job
}

func newJobTable() *jobTable { return &jobTable{} }

func (t *jobTable) add(j *job) {
	t.mu.Lock()
	defer t.mu.Unlock()
	j.id = 1
	if n := len(t.jobs); n > 0 {
		j.id = t.jobs[n-1].id + 1
	}
	t.jobs = append(t.jobs, j)
	t.last = j
}

func (t *jobTable) lastBg() string {
	t.mu.Lock()
	j := t.last
	t.mu.Unlock()
	if j == nil {
		return ""
	}
	return j.ref()
}

func (t *jobTable) list() []*job {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]*job(nil), t.jobs...)
}

// find resolves %N, %% / %+ (the last job), %-, %string, or a PID of a job's process.
func (t *jobTable) find(ref string) *job {
	t.mu.Lock()
	defer t.mu.Unlock()
	if rest, ok := strings.CutPrefix(ref, "%"); ok {
		switch rest {
		case "", "%", "+":
			if n := len(t.jobs); n > 0 {
				return t.jobs[n-1]
			}
			return nil
		case "-":
			if n := len(t.jobs); n > 1 {
				return t.jobs[n-2]
			}
			return nil
		}
		if n, err := strconv.Atoi(rest); err == nil {
			for _, j := range t.jobs {
				if j.id == n {
					return j
				}
			}
			return nil
		}
		for _, j := range t.jobs {
			if strings.HasPrefix(j.text, rest) {
				return j
			}
		}
		return nil
	}
	pid, err := strconv.Atoi(ref)
	if err != nil {
		return nil
	}
	for _, j := range t.jobs {
		j.mu.Lock()
		match := j.firstPID == pid
		for _, p := range j.pids {
			match = match || p == pid
		}
		j.mu.Unlock()
		if match {
			return j
		}
	}
	return nil
}

// forget removes finished jobs that were reported.
func (t *jobTable) forget() {
	t.mu.Lock()
	defer t.mu.Unlock()
	keep := t.jobs[:0]
	for _, j := range t.jobs {
		if j.running() || !j.reported {
			keep = append(keep, j)
		}
	}
	t.jobs = keep
}

// hangup ends every running job, as a shell that exits does with SIGHUP.
func (t *jobTable) hangup() {
	for _, j := range t.list() {
		if j.running() {
			j.signal(syscall.SIGHUP)
		}
	}
}

// reportDone prints "[N] Done text" for jobs that ended since the last prompt.
func (t *jobTable) reportDone(s *Shell) {
	for _, j := range t.list() {
		if !j.running() && !j.reported {
			j.reported = true
			fmt.Fprintf(s.env.Stderr, "[%d]  %s\t%s\n", j.id, doneWord(j.status), j.text)
		}
	}
	t.forget()
}

func doneWord(status int) string {
	if status == 0 {
		return "Done"
	}
	if status > 128 {
		return "Killed(" + sigName(syscall.Signal(status-128)) + ")"
	}
	return fmt.Sprintf("Exit %d", status)
}

// builtinBgStmt starts statement number args[1] (saved by prepare) as a job.
func builtinBgStmt(ctx context.Context, s *Shell, hc interp.HandlerContext, env *tools.Env, args []string) int {
	id, _ := strconv.Atoi(args[1])
	s.mu.Lock()
	st := s.bgStmts[id] // kept: a loop or a function starts the same statement again
	s.mu.Unlock()
	if st == nil {
		return 1
	}
	var text strings.Builder
	syntax.NewPrinter(syntax.SingleLine(true)).Print(&text, st)
	// The job outlives the command line that started it: only kill, or the shell's end,
	// cancels it.
	jctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	j := &job{text: strings.TrimSpace(text.String()) + " &", cancel: cancel, done: make(chan struct{}), started: make(chan struct{})}
	jctx = context.WithValue(jctx, jobKey{}, j)
	s.jobs.add(j)
	r := s.runner.Subshell()
	interp.StdIO(env.Stdin, env.Stdout, env.Stderr)(r)
	go func() {
		defer close(j.done)
		defer cancel()
		defer j.markStarted()
		err := r.Run(jctx, st)
		if s.subTraps.has(reflect.ValueOf(r).Pointer()) || j.traps.hasActions() {
			// its pending traps, then its EXIT trap (subtrap.go)
			end := &syntax.Stmt{Position: st.End(), Cmd: &syntax.CallExpr{Args: []*syntax.Word{litAt(internalPrefix+"subshellEnd", st.End())}}}
			err = r.Run(jctx, end)
		}
		j.mu.Lock()
		j.status = statusOf(err)
		j.mu.Unlock()
	}()
	// Wait until the job started its first command so that $! can be its PID.
	select {
	case <-j.started:
	case <-time.After(time.Second):
	}
	if s.opts.Interactive {
		fmt.Fprintf(env.Stderr, "[%d] %s\n", j.id, j.ref())
	}
	return 0
}

func builtinJobs(_ context.Context, s *Shell, _ interp.HandlerContext, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "jobs [-lp] [%N]...\n\nList the background jobs of this shell.\n  -l  with their process IDs\n  -p  only the process IDs")
	}
	long, pidsOnly := false, false
	var refs []string
	for _, a := range args[1:] {
		switch a {
		case "-l":
			long = true
		case "-p":
			pidsOnly = true
		default:
			refs = append(refs, a)
		}
	}
	list := s.jobs.list()
	if len(refs) > 0 {
		list = nil
		for _, r := range refs {
			j := s.jobs.find(r)
			if j == nil {
				env.Errorf("jobs", "%s: no such job", r)
				return 1
			}
			list = append(list, j)
		}
	}
	for _, j := range list {
		state := "Running"
		if !j.running() {
			state = doneWord(j.status)
			j.reported = true
		}
		switch {
		case pidsOnly:
			fmt.Fprintln(env.Stdout, j.ref())
		case long:
			fmt.Fprintf(env.Stdout, "[%d] %s %-8s %s\n", j.id, pidString(j), state, j.text)
		default:
			fmt.Fprintf(env.Stdout, "[%d] %-8s %s\n", j.id, state, j.text)
		}
	}
	s.jobs.forget()
	return 0
}

func pidString(j *job) string {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.pids) == 0 {
		if j.firstPID != 0 {
			return strconv.Itoa(j.firstPID)
		}
		return "-"
	}
	ps := make([]string, len(j.pids))
	for i, p := range j.pids {
		ps[i] = strconv.Itoa(p)
	}
	return strings.Join(ps, ",")
}

func builtinWait(ctx context.Context, s *Shell, hc interp.HandlerContext, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, "wait [%N|PID]...\n\nWait for the given jobs (all without arguments) and return the status of the last one.")
	}
	// a trapped signal ends the wait of the main shell, with 128+N, and its action runs
	var trapped <-chan struct{}
	if s.isMain(hc) {
		trapped = s.traps.waiter()
	}
	if len(args) == 1 {
		for _, j := range s.jobs.list() {
			select {
			case <-j.done:
			case <-ctx.Done():
				return 130
			case <-trapped:
				return 128 + int(s.traps.lastPending())
			}
		}
		// what the interpreter started itself (in subshells, process substitutions)
		if err := hc.Builtin(ctx, []string{"wait"}); err != nil {
			return 1
		}
		return 0
	}
	status := 0
	for _, ref := range args[1:] {
		if strings.HasPrefix(ref, "g") {
			if err := hc.Builtin(ctx, []string{"wait", ref}); err != nil {
				status = statusOf(err)
			}
			continue
		}
		j := s.jobs.find(ref)
		if j == nil {
			env.Errorf("wait", "%s: not a job or child of this shell", ref)
			status = 127
			continue
		}
		select {
		case <-j.done:
		case <-ctx.Done():
			return 130
		case <-trapped:
			return 128 + int(s.traps.lastPending())
		}
		j.mu.Lock()
		status = j.status
		j.mu.Unlock()
	}
	return status
}

func builtinFgBg(_ context.Context, _ *Shell, _ interp.HandlerContext, env *tools.Env, args []string) int {
	env.Errorf(args[0], "no job control in this shell: jobs keep running in the background; use 'wait %%N' or 'kill %%N'")
	return 1
}

func builtinDisown(_ context.Context, s *Shell, _ interp.HandlerContext, env *tools.Env, args []string) int {
	refs := args[1:]
	if len(refs) == 0 {
		refs = []string{"%+"}
	}
	for _, r := range refs {
		j := s.jobs.find(r)
		if j == nil {
			env.Errorf("disown", "%s: no such job", r)
			return 1
		}
		s.jobs.mu.Lock()
		for i, x := range s.jobs.jobs {
			if x == j {
				s.jobs.jobs = append(s.jobs.jobs[:i], s.jobs.jobs[i+1:]...)
				break
			}
		}
		s.jobs.mu.Unlock()
	}
	return 0
}

// sigName is the name of sig without SIG, or its number when it has none.
func sigName(sig syscall.Signal) string {
	if n := signals.Name(sig); n != "" {
		return n
	}
	return strconv.Itoa(int(sig))
}

func builtinKill(_ context.Context, s *Shell, _ interp.HandlerContext, env *tools.Env, args []string) int {
	const help = "kill [-s SIGNAL | -SIGNAL] PID|%JOB...\n       kill -l [STATUS]\n\nSend a signal (default TERM) to processes or to the jobs of this shell (%N, %%, %+, %-).\nA job's in-process applets are cancelled by INT, TERM, HUP and KILL."
	if tools.WantsHelp(args) || len(args) == 1 {
		if len(args) == 1 {
			fmt.Fprintln(env.Stderr, "Usage: "+strings.SplitN(help, "\n\n", 2)[0])
			return 2
		}
		return tools.Usage(env, help)
	}
	sig := syscall.SIGTERM
	rest := args[1:]
	switch a := rest[0]; {
	case a == "-l" || a == "-L":
		if len(rest) > 1 {
			n, _ := strconv.Atoi(rest[1])
			if n > 128 {
				n -= 128
			}
			fmt.Fprintln(env.Stdout, sigName(syscall.Signal(n)))
			return 0
		}
		for _, sig := range signals.List() {
			fmt.Fprintf(env.Stdout, "%2d) SIG%s\n", int(sig.Num), sig.Name)
		}
		return 0
	case a == "-s" || a == "-n":
		if len(rest) < 2 {
			env.Errorf("kill", "%s needs a signal", a)
			return 2
		}
		var ok bool
		if sig, ok = signals.Parse(rest[1]); !ok {
			env.Errorf("kill", "%s: unknown signal", rest[1])
			return 2
		}
		rest = rest[2:]
	case a == "--":
		rest = rest[1:]
	case len(a) > 1 && a[0] == '-':
		var ok bool
		if sig, ok = signals.Parse(a[1:]); !ok {
			env.Errorf("kill", "%s: unknown signal", a[1:])
			return 2
		}
		rest = rest[1:]
	}
	status := 0
	for _, ref := range rest {
		if strings.HasPrefix(ref, "%") {
			j := s.jobs.find(ref)
			if j == nil || !j.running() {
				env.Errorf("kill", "%s: no such job", ref)
				status = 1
				continue
			}
			if err := j.signal(sig); err != nil {
				env.Errorf("kill", "%s: %v", ref, err)
				status = 1
			}
			continue
		}
		pid, err := strconv.Atoi(ref)
		if err != nil {
			env.Errorf("kill", "%s: arguments must be process or job IDs", ref)
			status = 1
			continue
		}
		if j := s.jobs.find(ref); j != nil && j.ref() == ref && j.traps.catch(sig) {
			continue // $! of a job that traps sig: pending there
		}
		own := pid == os.Getpid() || pid == 0 || pid == -1
		var arrived <-chan struct{}
		if own {
			// taken before the signal is sent: it may be handled before kill returns
			arrived = s.traps.waiter()
		}
		if err := syscall.Kill(pid, sig); err != nil {
			env.Errorf("kill", "(%d): %v", pid, err)
			status = 1
			continue
		}
		if own {
			// A shell that signals itself dies before kill returns; the Go runtime delivers
			// the signal on another thread, so wait for it rather than run on (and exit 0).
			// A signal the shell catches (interactive SIGHUP/SIGTERM) ends the wait early.
			s.waitForOwnSignal(sig, arrived)
		}
		if j := s.jobs.find(ref); j != nil && (sig == syscall.SIGINT || sig == syscall.SIGTERM || sig == syscall.SIGKILL || sig == syscall.SIGHUP) {
			j.cancelSignaled() // the applets of the job too
		}
	}
	return status
}

// waitForOwnSignal gives a signal sent to the shell itself the time to act: a terminating
// one kills the process during the wait.
func waitForOwnSignal(sig syscall.Signal) {
	switch sig {
	case syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGKILL,
		syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM, syscall.SIGABRT, syscall.SIGPIPE:
		time.Sleep(200 * time.Millisecond)
	}
}
