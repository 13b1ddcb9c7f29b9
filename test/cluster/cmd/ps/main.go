// Command ps prints the processes it can see (pid, uid, command line) from
// /proc, then, unless -once is given, sleeps until killed. Packed into a
// FROM-scratch debug image, it shows from the outside that an ephemeral
// container shares the target's process namespace.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	once := flag.Bool("once", false, "print the process list and exit")
	flag.Parse()
	if err := printProcesses(os.Stdout, "/proc"); err != nil {
		fmt.Fprintln(os.Stderr, "ps:", err)
		os.Exit(1)
	}
	if *once {
		return
	}
	for {
		_ = syscall.Pause()
	}
}

// printProcesses writes one line per process found in the proc file
// system mounted at proc.
func printProcesses(w io.Writer, proc string) error {
	dirs, err := os.ReadDir(proc)
	if err != nil {
		return fmt.Errorf("listing %s: %w", proc, err)
	}
	var pids []int
	for _, d := range dirs {
		if pid, err := strconv.Atoi(d.Name()); err == nil {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	fmt.Fprintf(w, "%5s %6s %s\n", "PID", "UID", "CMD")
	for _, pid := range pids {
		dir := filepath.Join(proc, strconv.Itoa(pid))
		var st syscall.Stat_t
		if err := syscall.Stat(dir, &st); err != nil {
			continue // the process is gone
		}
		cmdline, err := os.ReadFile(filepath.Join(dir, "cmdline"))
		if err != nil {
			continue
		}
		cmd := strings.TrimSpace(string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})))
		fmt.Fprintf(w, "%5d %6d %s\n", pid, st.Uid, cmd)
	}
	return nil
}
