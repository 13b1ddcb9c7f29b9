package nsenter_test

import (
	"bytes"
	"context"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/nsenter"
)

// entryOf returns the address of pkg/nsenter's launcher entry in testdata/selflauncher,
// as that program reports it (nsenter.LauncherEntry).
func entryOf(t *testing.T) uint64 {
	t.Helper()
	out, err := exec.Command(selfLauncher).Output()
	if err != nil {
		t.Fatalf("%s: %v", selfLauncher, err)
	}
	e, err := strconv.ParseUint(strings.TrimSpace(string(out)), 10, 64)
	if err != nil || e == 0 {
		t.Fatalf("%s reports entry %q (%v)", selfLauncher, out, err)
	}
	return e
}

// TestStoredCopyEnteredAtTheLauncherEntry: a program holding pkg/nsenter that is its own
// launcher (testdata/selflauncher, as a plugin installed alone) is kept in the store a second time with its ELF entry set to the launcher's entry,
// and that copy launches the session without starting the Go runtime: one thread, where the
// runtime starts several, and an environment of nothing but the launcher's.
func TestStoredCopyEnteredAtTheLauncherEntry(t *testing.T) {
	requireRoot(t)
	if runtime.GOARCH != "amd64" {
		if nsenter.LauncherEntry() != 0 {
			t.Errorf("LauncherEntry = %#x on %s, which has no such entry", nsenter.LauncherEntry(), runtime.GOARCH)
		}
		return
	}
	if nsenter.LauncherEntry() == 0 {
		t.Fatal("LauncherEntry is 0 on amd64")
	}
	pid := isolated(t)
	store := filepath.Join(t.TempDir(), "store")
	entry := entryOf(t)
	session := nsenter.Executable{Path: toolbox, Key: "toolbox"}
	launcher := nsenter.Executable{Path: selfLauncher, Key: "selflauncher+entry", Entry: entry}

	threads := make(chan string, 1)
	go func() {
		for i := 0; i < 300; i++ {
			ents, _ := os.ReadDir("/proc")
			for _, e := range ents {
				if cmdline, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline"); string(cmdline) != nsenter.LauncherArg0+"\x00" {
					continue
				}
				status, _ := os.ReadFile("/proc/" + e.Name() + "/status")
				for _, l := range strings.Split(string(status), "\n") {
					if strings.HasPrefix(l, "Threads:") {
						threads <- l
						return
					}
				}
			}
			time.Sleep(5 * time.Millisecond)
		}
		threads <- "no launcher seen"
	}()
	pre := nsenter.Preload(session, launcher, nsenter.WithStore(store))
	if how, want := pre.How(), "overlay-sealed from "+store+", the launcher a copy of "+selfLauncher+" entered without the Go runtime"; how != want {
		t.Errorf("How = %q, want %q", how, want)
	}
	var out, errb bytes.Buffer
	status, err := nsenter.Run(context.Background(), nsenter.Options{
		PID: pid, Name: "nstest", Command: []string{"sh", "-c", "sleep 1; hostname"}, Preloaded: pre,
		Stdout: &out, Stderr: &errb,
	})
	if err != nil || status != 0 || out.String() != "nstest\n" {
		t.Fatalf("session: %v, status %d, stdout %q, stderr %q", err, status, out.String(), errb.String())
	}
	if got := <-threads; got != "Threads:\t1" {
		t.Errorf("the launcher: %s, want one thread (no Go runtime)", got)
	}
	stored, _ := filepath.Glob(filepath.Join(store, "*", nsenter.LauncherArg0))
	if len(stored) != 1 {
		t.Fatalf("store holds launchers %v, want one", stored)
	}
	f, err := elf.Open(stored[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Entry != entry {
		t.Errorf("the stored launcher's entry is %#x, want %#x", f.Entry, entry)
	}
	if own, err := elf.Open(selfLauncher); err != nil || own.Entry == entry {
		t.Errorf("the program itself was changed, or enters at the launcher (%v)", err)
	}
}

// TestLauncherEntryOnlyFromTheStore: a launcher entered elsewhere than its program is kept
// in the store only, never copied into a memfd (it is a whole program: the session program
// launches instead), and an entry outside the program's code is refused; either way the
// session runs.
func TestLauncherEntryOnlyFromTheStore(t *testing.T) {
	requireRoot(t)
	pid := isolated(t)
	session := nsenter.Executable{Path: toolbox, Key: "toolbox"}
	for _, c := range []struct {
		name    string
		entry   uint64
		store   bool
		wantHow string
	}{
		{"memfd", 0x401000, false, "copied into sealed memfds"},
		{"entry outside the code", 8, true, "copied into sealed memfds (the store: writing "},
	} {
		launcher := nsenter.Executable{Path: toolbox, Key: "toolbox+entry", Entry: c.entry}
		var opts []nsenter.PreloadOption
		if c.store {
			opts = append(opts, nsenter.WithStore(filepath.Join(t.TempDir(), "store")))
		}
		pre := nsenter.Preload(session, launcher, opts...)
		how := pre.How()
		if !strings.HasPrefix(how, c.wantHow) || (c.store && !strings.Contains(how, "in no executable segment")) {
			t.Errorf("%s: %s, want %s...", c.name, how, c.wantHow)
		}
		var out, errb bytes.Buffer
		status, err := nsenter.Run(context.Background(), nsenter.Options{
			PID: pid, Name: "nstest", Command: []string{"hostname"}, Preloaded: pre, Stdout: &out, Stderr: &errb,
		})
		if err != nil || status != 0 || out.String() != "nstest\n" {
			t.Errorf("%s: session %v, status %d, stdout %q, stderr %q", c.name, err, status, out.String(), errb.String())
		}
	}
}

// TestStoredCopyWithInitTasksDone: the copy of a program the store keeps marks done the
// init tasks Executable.Done gives (a plugin's packages no session needs): they never run
// there, and the program itself is unchanged.
func TestStoredCopyWithInitTasksDone(t *testing.T) {
	requireRoot(t)
	if runtime.GOARCH != "amd64" {
		return // patchProgram knows x86-64 executables only; elsewhere Done is never set
	}
	f, err := elf.Open(selfLauncher)
	if err != nil {
		t.Fatal(err)
	}
	syms, err := f.Symbols()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var task uint64
	for _, s := range syms {
		if s.Name == "main..inittask" {
			task = s.Value
		}
	}
	if task == 0 {
		t.Fatal("selflauncher has no main..inittask")
	}
	store := filepath.Join(t.TempDir(), "store")
	session := nsenter.Executable{Path: selfLauncher, Key: "selflauncher+done", Done: func() ([]uint64, error) { return []uint64{task}, nil }}
	pre := nsenter.Preload(session, nsenter.Executable{}, nsenter.WithStore(store))
	if how := pre.How(); how != "overlay-sealed from "+store {
		t.Fatalf("Preload: %s", how)
	}
	pre.Close()
	stored, _ := filepath.Glob(filepath.Join(store, "*", "ddebug-toolbox"))
	if len(stored) != 1 {
		t.Fatalf("store holds %v", stored)
	}
	for _, c := range []struct{ path, want string }{{stored[0], "init ran: false\n"}, {selfLauncher, "init ran: true\n"}} {
		if out, err := exec.Command(c.path, "init").Output(); err != nil || string(out) != c.want {
			t.Errorf("%s init: %q (%v), want %q", c.path, out, err, c.want)
		}
	}
	// A task that is not one (its state is not 0) is refused, and the store not used.
	bad := nsenter.Executable{Path: selfLauncher, Key: "selflauncher+bad", Done: func() ([]uint64, error) { return []uint64{f.Entry}, nil }}
	pre = nsenter.Preload(bad, nsenter.Executable{}, nsenter.WithStore(store))
	if how := pre.How(); !strings.Contains(how, "no init task to mark done") {
		t.Errorf("Preload with a bad task: %s", how)
	}
	pre.Close()
}
