package toolbox_test

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// An applet that does not handle SIGINT, SIGTERM or SIGHUP is ended by them whatever it is
// doing (blocked in the open or read of a FIFO, busy), as a C program would be: its parent
// sees it killed by that signal (the shell's 128+N).
func TestSignalsEndApplets(t *testing.T) {
	bin := toolboxBinary(t)
	// The children must start with these signals at their default action, whatever this
	// test was started with (nohup or a background job leaves SIGHUP or SIGINT ignored,
	// and an ignored signal stays ignored across exec): caught here, they are reset to
	// the default by the children's exec.
	caught := make(chan os.Signal, 1)
	signal.Notify(caught, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(caught)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		sig  syscall.Signal
	}{
		{"cat of a FIFO, SIGTERM", []string{"cat", fifo}, syscall.SIGTERM},
		{"cat of a FIFO, SIGINT", []string{"cat", fifo}, syscall.SIGINT},
		{"cat of a FIFO, SIGHUP", []string{"cat", fifo}, syscall.SIGHUP},
		{"diff of a file and a FIFO", []string{"diff", file, fifo}, syscall.SIGTERM},
		{"awk in a busy loop", []string{"awk", "BEGIN { while (1) n++ }"}, syscall.SIGTERM},
		{"grep reading stdin", []string{"grep", "x"}, syscall.SIGTERM},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, tc.args...)
			if tc.args[0] == "grep" {
				r, w, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { r.Close(); w.Close() })
				cmd.Stdin = r
			}
			status := runAndSignal(t, cmd, tc.sig)
			if !status.Signaled() || status.Signal() != tc.sig {
				t.Errorf("%v after %v: %v, want killed by %v", tc.args, tc.sig, status, tc.sig)
			}
		})
	}
}

// A signal the toolbox was started with ignored (nohup, a background job) stays ignored.
func TestIgnoredSignalStaysIgnored(t *testing.T) {
	bin := toolboxBinary(t)
	signal.Ignore(syscall.SIGHUP) // inherited by the child as SIG_IGN
	defer signal.Reset(syscall.SIGHUP)
	cmd := exec.Command(bin, "sleep", "1")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("sleep 1 with SIGHUP ignored, after SIGHUP: %v, want exit 0", err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("sleep 1 with SIGHUP ignored ended after %v", d)
	}
}

// runAndSignal starts cmd, lets it reach its blocking or busy part, sends sig and returns
// how it ended; it fails the test if cmd outlives the signal by 5 seconds.
func runAndSignal(t *testing.T, cmd *exec.Cmd, sig syscall.Signal) syscall.WaitStatus {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-waited:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return cmd.ProcessState.Sys().(syscall.WaitStatus)
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-waited
		t.Fatalf("%v still running 5s after %v", cmd.Args, sig)
		return 0
	}
}
