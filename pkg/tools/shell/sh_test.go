package shell

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

// runSh runs the sh applet in-process with args and stdin, in dir, and returns its
// stdout, stderr and exit status.
func runSh(t *testing.T, dir, stdin string, environ []string, args ...string) (string, string, int) {
	t.Helper()
	// background jobs write concurrently with the shell, as on a real file
	var out, errb toolstest.SyncBuffer
	env := &tools.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Dir: dir, Environ: environ}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	status := Run(ctx, env, append([]string{"sh"}, args...))
	return out.String(), errb.String(), status
}

func hostEnv() []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=/nonexistent"}
}

// fakeBin makes dir/name a script that prints FAKE name, to stand for a target's own binary.
func fakeBin(t *testing.T, dir, name string) {
	t.Helper()
	script := "#!/bin/sh\necho FAKE " + name + "\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestScripts(t *testing.T) {
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"echo", "seq", "which", "pwd"} {
		fakeBin(t, bin, n)
	}
	if err := os.WriteFile(filepath.Join(tmp, "noshebang"), []byte("echo no shebang: $1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	fakePath := []string{"PATH=" + bin + ":" + os.Getenv("PATH")}

	tests := []struct {
		name    string
		script  string
		environ []string
		stdin   string
		want    string
		wantErr string // regexp on stderr, if set
		status  int
	}{
		{name: "pipe of two applets", script: `seq 3 | sh -c 'while read n; do echo "n=$n"; done'`, want: "n=1\nn=2\nn=3\n"},
		{name: "pipe of three applets", script: `yes ab | sh -c 'read a; read b; echo "$a$b"' | sh -c 'read l; echo "[$l]"'`, want: "[abab]\n"},
		{name: "redirections into a file", script: `seq 2 > out; echo more >> out; seq 5 6 1>>out 2>/dev/null
while read l; do printf '<%s>' "$l"; done < out; echo; ls_status=$?`, want: "<1><2><more><5><6>\n"},
		{name: "stderr redirection", script: `nosuch 2>err; echo $?; while read l; do echo "got: $l"; done <err`,
			want: "127\ngot: sh: line 0: nosuch: not found\n"}, // ash's form
		{name: "status of last command", script: "false; echo $?; true; echo $?; sh -c 'exit 7'; echo $?", want: "1\n0\n7\n"},
		{name: "functions", script: `f() { echo "a=$1 n=$#"; return 3; }; f x y; echo "status=$?"`, want: "a=x n=2\nstatus=3\n"},
		{name: "exit code", script: "echo before; exit 42; echo after", want: "before\n", status: 42},
		{name: "last command's status", script: "true; false", status: 1},
		{name: "command not found is 127", script: "no-such-command-xyz", wantErr: `^sh: line 0: no-such-command-xyz: not found`, status: 127},
		{name: "not executable is 126", script: "touch_ok=1; ./out", wantErr: `out:`, status: 127},
		{name: "globbing", script: "cd " + bin + " && echo *e*", want: "echo seq\n"},
		{name: "applet wins over PATH (builtin echo)", script: "echo hi", environ: fakePath, want: "hi\n"},
		{name: "applet wins over PATH (seq)", script: "seq 2", environ: fakePath, want: "1\n2\n"},
		{name: "applet wins over PATH (which, pwd)", script: "which seq; cd /; pwd", environ: fakePath, want: "seq: applet\n/\n"},
		{name: "path runs the real program", script: bin + "/seq 2", environ: fakePath, want: "FAKE seq\n"},
		{name: "command -p runs the real program", script: "command -p seq 2", environ: fakePath, want: "FAKE seq\n"},
		{name: "which -a shows both", script: "which -a seq", environ: []string{"PATH=" + bin}, want: "seq: applet\n" + bin + "/seq\n"},
		{name: "type and command -v know applets", script: "type seq; command -v seq echo cd; f() { :; }; type f", want: "seq is a toolbox applet (runs in-process)\nseq\necho\ncd\nf is a function\n"},
		{name: "exported variables reach applets", script: `export A=1; B=2; sh -c 'echo "A=$A B=$B"'; C=3 sh -c 'echo "C=$C"'`, want: "A=1 B=\nC=3\n"},
		{name: "script without #! runs in this shell", script: "cd " + tmp + " && ./noshebang x", want: "no shebang: x\n"},
		{name: "errexit", script: "set -e; false; echo not reached", status: 1},
		{name: "background job with real PID", script: `/bin/sleep 30 & p=$!; case $p in *[!0-9]*) echo "not a pid: $p";; esac
kill -0 "$p" && echo alive; jobs; kill %1; wait $p; echo "status=$?"`, want: "alive\n[1] Running  /bin/sleep 30 &\nstatus=143\n"},
		{name: "background applet job", script: `yes > /dev/null & echo "bg=$!"; kill %1; wait %1; echo "status=$?"`, want: "bg=%1\nstatus=130\n"},
		{name: "wait for all jobs", script: `sh -c 'exit 3' & sh -c 'exit 4' & wait; echo done`, environ: append(hostEnv(), toolstest.ChildEnv), want: "done\n"},
		{name: "jobs started in a loop and a function", script: `for i in 1 2 3; do (echo "j$i" > "f$i") & done; wait
f() { echo "$1" > "g$1" & }; f a; f b; wait
for n in f1 f2 f3 ga gb; do read l < "$n"; printf '%s ' "$l"; done`, want: "j1 j2 j3 a b "},
		{name: "kill -l", script: "kill -l 143; kill -l 9", want: "TERM\nKILL\n"},
		{name: "ulimit -n", script: "ulimit -n", want: "{nofile}\n"},
		{name: "trap on exit", script: `trap 'echo bye' EXIT; echo hi`, want: "hi\nbye\n"},
		{name: "trap on a signal runs before the next command, $? kept", script: `trap 'echo caught; false' USR1; kill -USR1 $$; echo "after $?"; trap - USR1`,
			want: "caught\nafter 0\n"},
		{name: "trap lists as ash does", script: `trap 'echo a' EXIT USR2; trap '' QUIT; trap; trap - EXIT USR2 QUIT; trap`,
			want: "trap -- 'echo a' EXIT\ntrap -- '' QUIT\ntrap -- 'echo a' USR2\n"},
		{name: "trap on a bad signal", script: `trap x NOSUCH; echo $?`, want: "1\n", wantErr: `^sh: trap: line 0: NOSUCH: invalid signal specification\n$`},
		{name: "a trapped signal ends wait", script: `trap 'echo got' USR1; sleep 3 & (sleep 0.2; kill -USR1 $$) & wait %1; echo "wait: $?"; trap - USR1`,
			want: "got\nwait: 138\n"},
		// kill $$ returns as soon as the trapped signal is pending, even when it was handled
		// before kill returned (150 stalls of up to a second would outlast runSh's 20s)
		{name: "kill $$ of a trapped signal does not stall", script: `trap 'n=$((n+1))' USR1; n=0; i=0; while [ $i -lt 150 ]; do kill -USR1 $$; i=$((i+1)); done; echo $n; trap - USR1`,
			want: "150\n"},
		{name: "return in a trap returns from the function", script: `trap 'return' USR1; f() { kill -USR1 $$; echo not reached; }; f; echo "f: $?"; trap - USR1`,
			want: "f: 0\n"},
		{name: "getopts as ash", script: `set -- -a -x -b; while getopts ab o 2>&1; do echo "$o"; done; echo "end $OPTIND"`,
			want: "a\nIllegal option -x\n?\nb\nend 4\n"},
		{name: "read -n, -d, -t", script: `printf 'abcdef' | { read -n 3 a; read -d e b; echo "$a $b"; }; sleep 1 | { read -t 0.1 c; echo "$? <$c>"; }`,
			want: "abc d\n142 <>\n"},
		{name: "bare return returns $?", script: `f() { false; return; }; f; echo $?`, want: "1\n"},
		{name: "export named by an expansion", script: `v=export; $v A=1; sh -c 'echo $A'`, want: "1\n"},
		{name: "exit in a pipeline ends only its subshell", script: `echo x | exit 3; echo "after $?"`, want: "after 3\n"},
		{name: "command -p -V looks on the default PATH", script: `command -p -V nosuch-cmd-xyz; echo $?`, want: "1\n", wantErr: `^nosuch-cmd-xyz: not found\n$`},
		{name: "redirection to a descriptor that is not open", script: `echo lost >&7; echo "$?"`, want: "1\n", wantErr: `^sh: line 0: 7: Bad file descriptor\n$`},
		{name: "descriptors above 2", script: `exec 9>&-; { echo a >&5; echo b; } 5>f; { echo c >&4; } 4>&1; cat f`, want: "b\nc\na\n"},
		{name: "<> opens for reading and writing", script: `printf abc >f; printf X 1<>f; cat f; cat 0<>f`, want: "XbcXbc"},
		{name: "redirection failure of exec ends the shell", script: `exec >/nonexistent/x; echo not reached`, status: 1,
			wantErr: `^sh: line 0: can't create /nonexistent/x: nonexistent directory\n$`},
		{name: "redirection failure of a command", script: `cat </nonexistent/x; echo "cat $?"; eval false >/dev/null; echo "eval $?"`, want: "cat 1\neval 1\n",
			wantErr: `^sh: line 0: can't open /nonexistent/x: no such file\n$`},
		{name: "local without a value unsets", script: `f() { local a b=1; echo "[${a-unset}] $b"; local b; echo "$b"; }; a=A; f; echo $a`, want: "[unset] 1\n1\nA\n"},
		{name: "local outside a function ends the shell", script: `local x=1; echo not reached`, status: 2,
			wantErr: `^sh: local: line 0: not in a function\n$`},
		{name: "continue N beyond the loops continues the outermost", script: `for v in a b; do for w in 1 2; do echo $v$w; continue 5; done; done; echo x`,
			want: "a1\nb1\nx\n"},
		{name: "read splits on IFS as ash", script: `echo 'a,,b,c' | (IFS=, read x y z; echo "[$x][$y][$z]"); echo 'x,' | (IFS=, read v; echo "[$v]")`,
			want: "[a][][b,c]\n[x]\n"},
		{name: "descriptors above 2 in eval", script: `eval 'echo a 9>&-'; eval '{ echo b >&5; } 5>&1'`, want: "a\nb\n"},
		{name: "aliases in a script, recursive, trailing blank", script: `alias foo='echo ' bar=baz baz=quux; foo bar; alias q1=q2 q2=q1; q1 2>/dev/null; echo $?; unalias -a; alias; alias l='echo a | tr a b'; l`,
			want: "quux\n127\nb\n"},
		{name: "syntax error as ash says it, after the commands before it", script: "echo ok\nthen", want: "ok\n", status: 2, wantErr: `^sh: line 1: syntax error: unexpected "then"\n$`},
		{name: "a here-document cut by a syntax error does not run", script: "echo start\ncat <<EOF\nbody\n$(if)\nEOF\necho end", want: "start\n", status: 2, wantErr: `^sh: line 3: syntax error: `},
		{name: "if() is a syntax error", script: "echo ok\nif() { echo; }\necho not reached", want: "ok\n", status: 2, wantErr: `^sh: line 1: syntax error: unexpected "\)"\n$`},
		{name: "function NAME COMPOUND", script: "function f for i in 1 2; do echo $i; done\nf\nfunction g { echo g; }\ng", want: "1\n2\ng\n"},
		{name: "eval's syntax error ends the shell", script: "(eval 'echo \"a'; echo not reached); echo $?\n(eval 'if() { :; }'); echo $?\neval 'echo ok; echo \"'",
			want: "2\n2\n", status: 2, wantErr: `^sh: eval: line 0: syntax error: unterminated quoted string\nsh: eval: line 1: syntax error: unexpected "\)"\nsh: eval: line 2: syntax error: unterminated quoted string\n$`},
		{name: "eval assigning a read-only variable", script: "readonly r=1\n(eval r=2; echo not reached); echo $?\ncommand eval r=3 2>/dev/null; echo $? $r\neval 'r=4 true'; echo not reached",
			want: "2\n2 1\n", status: 2, wantErr: `^sh: eval: line 1: r: is read only\nsh: eval: line 3: r: is read only\n$`},
		{name: "shift past $#", script: `set -- a b; shift 3; echo "$? $#"`, want: "1 2\n"},
		{name: "echo to a closed stdout fails as in ash", script: `exec 1>&-; echo lost; echo "echo $?" >&2; printf lost; echo "printf $?" >&2`,
			wantErr: `^sh: write error: Bad file descriptor\necho 1\nsh: write error: Bad file descriptor\nprintf 1\n$`},
		{name: "echo to a reader that went away, SIGPIPE ignored", script: `trap "" PIPE; { sleep 0.2; echo lost; echo "echo $?" >&2; } | true`,
			wantErr: `^sh: write error: Broken pipe\necho 1\n$`},
		{name: "echo to a reader that went away ends the writing subshell", script: `while :; do echo y; done | head -n 1; echo "after $?"`,
			want: "y\nafter 0\n"},
		{name: "break inside { } leaves the loop at once", script: `while true; do echo A; { echo B; break; echo C; }; echo D; done; echo $?`,
			want: "A\nB\n0\n"},
		{name: "break in a subshell inside a loop ends the subshell", script: `for v in a b; do (echo $v; break; echo no); echo "D $?"; done`,
			want: "a\nD 0\nb\nD 0\n"},
		{name: "break and continue in a loop's condition", script: `i=0; while i=$((i+1)); [ $i -lt 4 ] || break; [ $i != 2 ] || continue; do echo $i; done; echo end`,
			want: "1\n3\nend\n"},
		{name: "$? after a statement that may break", script: `for i in 1; do false; { [ x = y ] && break; echo "st=$?"; }; done`,
			want: "st=1\n"},
		{name: "a here-document on descriptor 3, read line by line", script: "while read a; do read b <&3; echo \"$a-$b\"; done <<E1 3<<E2\n1\n2\nE1\nx\ny\nE2",
			want: "1-x\n2-y\n"},
		{name: "descriptor 4 keeps stderr while it goes elsewhere", script: `exec 4>&2; exec 2>/dev/null; echo hidden >&2; exec 2>&4; echo shown >&2`,
			wantErr: `^shown\n$`},
		{name: "exec N>FILE opens for good, N>&- closes", script: `exec 3>f; echo x >&3; echo y >&3; exec 3>&-; cat f; echo z >&3; echo $?`,
			want: "x\ny\n1\n", wantErr: `^sh: line 0: 3: Bad file descriptor\n$`},
		{name: "descriptors above 9", script: `exec 1>/dev/null; (echo lost >&22) 22>&1; (echo kept >&22) 22>&2`, wantErr: `^kept\n$`},
		{name: "read -u FD", script: `printf 'a\nb\n' >f; exec 3<f; read -u 3 x; read -u3 y; echo "$x$y"; while read -r -u 4 l; do echo "[$l]"; done 4<f`,
			want: "ab\n[a]\n[b]\n"},
		{name: "a descriptor named by a variable", script: `exec 5>&1; fd=5; echo via >&$fd`, want: "via\n"},
		{name: "a subshell's descriptors are its own", script: `exec 4>&1; (exec 4>&-; echo sub >&4); echo parent >&4`,
			want: "parent\n", wantErr: `^sh: line 0: 4: Bad file descriptor\n$`},
		{name: "a command's descriptor that cannot be opened", script: `{ echo not run; } 3</nonexistent; echo "st=$?"; echo x >&3`,
			want: "st=1\n", status: 1, wantErr: `^sh: line 0: can't open /nonexistent: no such file\nsh: line 0: 3: Bad file descriptor\n$`},
		{name: "a subshell's EXIT trap runs when it ends or exits", script: `(trap "echo trapped; exit" EXIT; (exit 1)); echo "one $?"; (trap 'echo bye $?' EXIT; exit 3); echo "sub $?"; trap`,
			want: "trapped\none 1\nbye 3\nsub 3\n"},
		{name: "EXIT traps of a command substitution and of a pipe's left side", script: `v=$(trap 'echo bye' EXIT; echo hi); echo "[$v]"; { trap 'echo end >&2' EXIT; echo x; } | cat`,
			want: "[hi\nbye]\nx\n", wantErr: `^end\n$`},
		{name: "a trap set in a job is the job's", script: `{ trap "echo got TERM" TERM; sleep 0.5; echo after; } & sleep 0.2; kill $!; wait; echo "done $?"; trap`,
			want: "got TERM\nafter\ndone 0\n"},
		{name: "messages from a sourced file name it", script: "echo 'echo in; nosuch' >s.sh; . ./s.sh; command . ./s.sh; nosuch",
			want: "in\nin\n", status: 127, wantErr: `^sh: \./s\.sh: line 1: nosuch: not found\nsh: \./s\.sh: line 1: nosuch: not found\nsh: line 0: nosuch: not found\n$`},
		{name: "return in a sourced file", script: `echo 'true && return 3; echo no' >r.sh; . ./r.sh; echo "ok $?"`, want: "ok 3\n"},
		{name: "a sourced file is lexed as ash: bytes that are not UTF-8", script: `printf 'echo ok >u\201x; cat u\201x\n' >s.sh; . ./s.sh`, want: "ok\n"},
		{name: "set -x traces as ash quotes", script: `set -x; v='one two'; true '%s\n' "two 'three" "if"; "if" x; set +x; echo off`,
			want: "off\n", wantErr: `^\+ v='one two'\n\+ true '%s\\n' 'two '"'"'three' 'if'\n\+ 'if' x\nsh: line 0: if: not found\n\+ set \+x\n$`},
		{name: "sh -x traces as set -x does", script: `sh -x -c 'echo a=b'`, want: "a=b\n", wantErr: `^\+ echo 'a=b'\n$`},
		{name: "$! in a pipeline's left side", script: `f() { sleep 0.1 & p=$!; echo "${p:+set}"; wait; }; f | cat`, want: "set\n"},
		{name: "a program from PATH gets the descriptors above 2", script: `exec 4>f; /bin/sh -c 'echo four >&4'; { /bin/sh -c 'echo five >&5'; } 5>g; cat f g`,
			want: "four\nfive\n"},
		{name: "exec of a missing program", script: `exec /nonexistent`, status: 127, wantErr: `^sh: exec: line 0: /nonexistent: not found\n$`},
	}
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			environ := tc.environ
			if environ == nil {
				environ = hostEnv()
			}
			dir := t.TempDir()
			out, errOut, status := runSh(t, dir, tc.stdin, environ, "-c", tc.script)
			want := strings.ReplaceAll(tc.want, "{nofile}", uintString(rl.Cur))
			if diff := cmp.Diff(want, out); diff != "" {
				t.Errorf("stdout (-want +got):\n%s\nstderr: %s", diff, errOut)
			}
			if status != tc.status {
				t.Errorf("status = %d, want %d (stderr: %s)", status, tc.status, errOut)
			}
			if tc.wantErr != "" && !regexp.MustCompile(tc.wantErr).MatchString(errOut) {
				t.Errorf("stderr = %q, want match for %q", errOut, tc.wantErr)
			}
		})
	}
}

func uintString(v uint64) string {
	if v == ^uint64(0) {
		return "unlimited"
	}
	return strconv.FormatUint(v, 10)
}

func TestScriptFileAndStdin(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "s.sh")
	if err := os.WriteFile(script, []byte("echo \"$0 $1 $2 $#\"\nexit 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		stdin  string
		want   string
		status int
	}{
		{"script with args", []string{script, "a", "b"}, "", script + " a b 2\n", 5},
		{"-c with $0 and args", []string{"-c", `echo "$0 $1"`, "name", "one"}, "", "name one\n", 0},
		// the rest of stdin is left for the commands of the script, as other shells do
		{"stdin script reads its own input", []string{"-s", "x"}, "echo \"arg=$1\"; read l; echo \"got [$l]\"; exit 4\nline2\n", "arg=x\ngot [line2]\n", 4},
		{"stdin multi-line command", nil, "if true\nthen echo yes\nfi\n", "yes\n", 0},
		{"-x traces to stderr only", []string{"-x", "-c", "echo traced"}, "", "traced\n", 0},
		{"-e exits on failure", []string{"-e", "-c", "false; echo no"}, "", "", 1},
		{"-o pipefail", []string{"-o", "pipefail", "-c", "false | true"}, "", "", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, status := runSh(t, dir, tc.stdin, hostEnv(), tc.args...)
			if diff := cmp.Diff(tc.want, out); diff != "" {
				t.Errorf("stdout (-want +got):\n%s\nstderr: %s", diff, errOut)
			}
			if status != tc.status {
				t.Errorf("status = %d, want %d", status, tc.status)
			}
		})
	}
}

func TestHelpDocumentsPrecedence(t *testing.T) {
	out, _, status := runSh(t, "/", "", nil, "--help")
	if status != 0 {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{"WIN over a file of the same name", "command -p", "DDEBUG_TARGET", "in memory only"} {
		if !strings.Contains(out, want) {
			t.Errorf("sh --help does not say %q", want)
		}
	}
}

func TestUmask(t *testing.T) {
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })
	out, errOut, status := runSh(t, t.TempDir(), "", hostEnv(), "-c", "umask; umask 027; umask; umask -S; : > f; ls_mode=1")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	if diff := cmp.Diff("0022\n0027\nu=rwx,g=rx,o=\n", out); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestCancelStopsApplet checks that cancelling the context (what Ctrl-C does) ends an
// in-process applet and an external program.
func TestCancelStopsCommands(t *testing.T) {
	for _, script := range []string{"yes > /dev/null", "/bin/sleep 30"} {
		t.Run(script, func(t *testing.T) {
			env := &tools.Env{Stdin: strings.NewReader(""), Stdout: &toolstest.SyncBuffer{}, Stderr: &toolstest.SyncBuffer{}, Dir: "/", Environ: hostEnv()}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan int)
			go func() { done <- Run(ctx, env, []string{"sh", "-c", script}) }()
			time.Sleep(200 * time.Millisecond)
			start := time.Now()
			cancel()
			select {
			case status := <-done:
				if status != 130 {
					t.Errorf("status = %d, want 130", status)
				}
				t.Logf("stopped %v after cancel", time.Since(start))
			case <-time.After(5 * time.Second):
				t.Fatal("command still running 5s after cancel")
			}
		})
	}
}
