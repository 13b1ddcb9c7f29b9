package nsenter_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
)

// sealings are the two ways a session program reaches the target: through an overlay from
// a store on disk, and (where none can be mounted) copied into a sealed memfd.
var sealings = []struct {
	name  string
	store bool
	how   string // the start of Preloaded.How
}{
	{"overlay", true, "overlay-sealed from "},
	{"memfd", false, "copied into sealed memfds"},
}

func sealOptions(t *testing.T, store bool) []nsenter.PreloadOption {
	if !store {
		return nil
	}
	return []nsenter.PreloadOption{nsenter.WithStore(filepath.Join(t.TempDir(), "store"))}
}

// TestStoreKeepsProgramsOnce: the first session writes the programs into the store, root
// only and mode 0111; the next ones seal the same files through an overlay, no copy.
func TestStoreKeepsProgramsOnce(t *testing.T) {
	requireRoot(t)
	store := filepath.Join(t.TempDir(), "store")
	session := nsenter.Executable{Path: toolbox, Key: "toolbox-key"}
	var inode uint64
	for i := 0; i < 2; i++ {
		pre := nsenter.Preload(session, nsenter.Executable{}, nsenter.WithStore(store))
		if how := pre.How(); how != "overlay-sealed from "+store {
			t.Fatalf("Preload %d: %s, want overlay-sealed from %s", i, how, store)
		}
		pre.Close()
		ents, _ := filepath.Glob(filepath.Join(store, "*", "ddebug-toolbox"))
		if len(ents) != 1 {
			t.Fatalf("store holds %v, want one ddebug-toolbox", ents)
		}
		var st syscall.Stat_t
		if err := syscall.Stat(ents[0], &st); err != nil {
			t.Fatal(err)
		}
		if st.Mode&0o7777 != 0o111 || st.Uid != 0 {
			t.Errorf("stored program mode %o owner %d, want 0111 root's", st.Mode&0o7777, st.Uid)
		}
		if i == 1 && st.Ino != inode {
			t.Errorf("the second session rewrote the store (inode %d, was %d)", st.Ino, inode)
		}
		inode = st.Ino
	}
	var st syscall.Stat_t
	if err := syscall.Stat(store, &st); err != nil || st.Mode&0o777 != 0o700 {
		t.Errorf("store directory mode %o (%v), want 0700", st.Mode&0o777, err)
	}
}

// TestStoreRefusesWhatIsNotAsWritten: a stored program changed behind ddebug's back is
// written anew; a store others may write is not used at all (the memfd copy is).
func TestStoreRefusesWhatIsNotAsWritten(t *testing.T) {
	requireRoot(t)
	store := filepath.Join(t.TempDir(), "store")
	session := nsenter.Executable{Path: toolbox, Key: "toolbox-key"}
	nsenter.Preload(session, nsenter.Executable{}, nsenter.WithStore(store)).Close()
	ents, _ := filepath.Glob(filepath.Join(store, "*", "ddebug-toolbox"))
	if len(ents) != 1 {
		t.Fatalf("store holds %v", ents)
	}
	if err := os.Chmod(ents[0], 0o755); err != nil {
		t.Fatal(err)
	}
	pre := nsenter.Preload(session, nsenter.Executable{}, nsenter.WithStore(store))
	if how := pre.How(); !strings.HasPrefix(how, "overlay-sealed") {
		t.Errorf("after a chmod: %s, want the entry written anew and sealed", how)
	}
	pre.Close()
	if st, err := os.Stat(ents[0]); err != nil || st.Mode().Perm() != 0o111 {
		t.Errorf("entry after the rewrite: %v %v, want mode 0111", st.Mode(), err)
	}

	if err := os.Chmod(store, 0o777); err != nil {
		t.Fatal(err)
	}
	pre = nsenter.Preload(session, nsenter.Executable{}, nsenter.WithStore(store))
	defer pre.Close()
	if how := pre.How(); !strings.HasPrefix(how, "copied into sealed memfds (the store: ") || !strings.Contains(how, "not root-only") {
		t.Errorf("store mode 0777: %s, want the memfd copy and why", how)
	}
}

// TestSealedProgramIsReadOnlyEvenForRoot: host root, with every capability, cannot write
// the running session's program through /proc/PID/exe or /proc/PID/map_files/*: the
// overlay is read-only (EROFS), the memfd sealed.
func TestSealedProgramIsReadOnlyEvenForRoot(t *testing.T) {
	requireRoot(t)
	pid := isolated(t)
	for _, s := range sealings {
		t.Run(s.name, func(t *testing.T) {
			pre := nsenter.Preload(nsenter.Executable{Path: toolbox, Key: "toolbox-key"}, nsenter.Executable{}, sealOptions(t, s.store)...)
			if how := pre.How(); !strings.HasPrefix(how, s.how) {
				t.Fatalf("sealed: %s, want %s...", how, s.how)
			}
			started := make(chan struct{})
			done := make(chan error, 1)
			go func() {
				_, err := nsenter.Run(context.Background(), nsenter.Options{
					PID: pid, Name: "nstest", Command: []string{"sleep", "2"}, Preloaded: pre,
					Started: func() { close(started) },
				})
				done <- err
			}()
			select {
			case <-started:
			case err := <-done:
				t.Fatalf("session: %v", err)
			}
			session := findSession(t)
			writeFails := func(path string) {
				t.Helper()
				f, err := os.OpenFile(path, os.O_WRONLY, 0)
				if err == nil {
					_, err = f.Write([]byte("overwritten"))
					f.Close()
				}
				switch {
				case err == nil:
					t.Errorf("writing %s succeeded", path)
				case s.store && !errors.Is(err, syscall.EROFS):
					t.Errorf("writing %s: %v, want EROFS", path, err)
				}
			}
			writeFails(fmt.Sprintf("/proc/%d/exe", session))
			exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", session))
			maps, _ := filepath.Glob(fmt.Sprintf("/proc/%d/map_files/*", session))
			n := 0
			for _, m := range maps {
				if l, _ := os.Readlink(m); l == exe {
					writeFails(m)
					n++
				}
			}
			if n == 0 {
				t.Errorf("no mapping of %q among the session's %d map_files", exe, len(maps))
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		})
	}
}

// findSession returns the PID of the session this test process started (through its
// launcher), as the host sees it.
func findSession(t *testing.T) int {
	t.Helper()
	for i := 0; i < 100; i++ {
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			if comm, _ := os.ReadFile("/proc/" + e.Name() + "/comm"); strings.TrimSpace(string(comm)) != "ddebug-session" {
				continue
			}
			if ppid := parentOf(pid); ppid > 0 && parentOf(ppid) == os.Getpid() {
				return pid
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("no session process found")
	return 0
}

func parentOf(pid int) int {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		var state string
		var ppid int
		fmt.Sscan(s[i+1:], &state, &ppid)
		return ppid
	}
	return 0
}

// TestSessionStartsNonDumpable: the kernel starts the session non-dumpable, before its
// first instruction, because its credentials cannot read the program (mode 0111, no DAC
// override in effect at the exec): through the overlay as through the memfd. The probe
// reports prctl(PR_GET_DUMPABLE) as the first thing it does.
func TestSessionStartsNonDumpable(t *testing.T) {
	requireRoot(t)
	pid := isolated(t)
	for _, s := range sealings {
		t.Run(s.name, func(t *testing.T) {
			pre := nsenter.Preload(nsenter.Executable{Path: dumpProbe, Key: "probe-key"},
				nsenter.Executable{Path: toolbox, Key: "toolbox-key"}, sealOptions(t, s.store)...)
			if how := pre.How(); !strings.HasPrefix(how, s.how) {
				t.Fatalf("sealed: %s, want %s...", how, s.how)
			}
			var out, errb bytes.Buffer // two: their copies run at once
			status, err := nsenter.Run(context.Background(), nsenter.Options{
				PID: pid, Name: "nstest", Preloaded: pre, Stdout: &out, Stderr: &errb,
			})
			if err != nil || status != 0 {
				t.Fatalf("probe: exit %d, %v: %s", status, err, errb.String())
			}
			if got := strings.TrimSpace(out.String()); got != "dumpable 0" {
				t.Errorf("the session started %q (exit %d), want dumpable 0", got, status)
			}
		})
	}
}

// TestKilledSessionIsExplained: a session killed by a SIGKILL ddebug did not send (the
// out-of-memory killer's signal) ends with 137 and one line saying so; a command that
// exits 137 by itself gets no such line; a launcher killed is an error that says so.
func TestKilledSessionIsExplained(t *testing.T) {
	requireRoot(t)
	pid := isolated(t)
	for _, c := range []struct {
		cmd, notice string
	}{
		{"kill -KILL $$", "the session was killed by SIGKILL, not by ddebug: the kernel's out-of-memory killer (see dmesg) or another process"},
		{"exit 137", ""},
	} {
		var notices []string
		var out, errb bytes.Buffer
		status, err := nsenter.Run(context.Background(), nsenter.Options{
			PID: pid, Name: "nstest", Command: []string{"sh", "-c", c.cmd}, Session: nsenter.Executable{Path: toolbox},
			Notice: func(m string) { notices = append(notices, m) }, Stdout: &out, Stderr: &errb,
		})
		if err != nil || status != 137 {
			t.Fatalf("%s: exit %d, %v, want 137", c.cmd, status, err)
		}
		if got := strings.Join(notices, "\n"); got != c.notice {
			t.Errorf("%s: notice %q, want %q", c.cmd, got, c.notice)
		}
	}

	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := nsenter.Run(context.Background(), nsenter.Options{
			PID: pid, Name: "nstest", Command: []string{"sleep", "5"}, Session: nsenter.Executable{Path: toolbox},
			Started: func() { close(started) },
		})
		done <- err
	}()
	select {
	case <-started:
	case err := <-done:
		t.Fatalf("session: %v", err)
	}
	syscall.Kill(parentOf(findSession(t)), syscall.SIGKILL)
	err := <-done
	if err == nil || !strings.Contains(err.Error(), "the session launcher was killed by signal 9 (killed): the kernel's out-of-memory killer") {
		t.Errorf("launcher killed: %v, want an error that says so", err)
	}
}
