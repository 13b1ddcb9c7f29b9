//go:build linux

package proc

import (
	"context"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Stty is stty: print the terminal's size and settings (read-only).
var Stty = tools.Applet{Name: "stty", Summary: "print the terminal's size and settings (read-only)", Run: runStty}

// runStty reads the terminal of standard input (or -F DEVICE): `stty size` prints rows and
// columns as GNU stty does, `stty` and `stty -a` the size and the main modes. It never sets
// anything: a debugging session has no business changing the caller's terminal.
func runStty(_ context.Context, env *tools.Env, args []string) int {
	var dev string
	var words []string
	for i := 1; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--help" || a == "-h":
			return tools.Usage(env, "stty [-F DEVICE] [size | -a]\nPrints the terminal's size (rows columns) or its settings; it never changes them.")
		case a == "-F" || a == "--file":
			if i+1 == len(args) {
				env.Errorf("stty", "option requires an argument -- 'F'")
				return 1
			}
			i++
			dev = args[i]
		case len(a) > 7 && a[:7] == "--file=":
			dev = a[7:]
		default:
			words = append(words, a)
		}
	}
	fd, name := -1, "standard input"
	if dev != "" {
		f, err := os.OpenFile(env.Abs(dev), os.O_RDONLY|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
		if err != nil {
			env.Errorf("stty", "%s: %v", dev, sttyErr(err))
			return 1
		}
		defer f.Close()
		fd, name = int(f.Fd()), dev
	} else if f, ok := env.Stdin.(interface{ Fd() uintptr }); ok { // a file, or the shell's terminal reader
		fd = int(f.Fd())
	}
	if fd < 0 {
		env.Errorf("stty", "%s: Inappropriate ioctl for device", name)
		return 1
	}
	ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
	if err != nil {
		env.Errorf("stty", "%s: %v", name, sttyErr(err))
		return 1
	}
	all := false
	switch {
	case len(words) == 1 && words[0] == "size":
		fmt.Fprintf(env.Stdout, "%d %d\n", ws.Row, ws.Col)
		return 0
	case len(words) == 1 && (words[0] == "-a" || words[0] == "--all"):
		all = true
	case len(words) > 0:
		env.Errorf("stty", "setting terminal modes is not supported (this stty only reads): %q", words[0])
		return 1
	}
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		env.Errorf("stty", "%s: %v", name, sttyErr(err))
		return 1
	}
	fmt.Fprintf(env.Stdout, "rows %d; columns %d;\n", ws.Row, ws.Col)
	flags := []struct {
		name string
		set  bool
		all  bool // shown by -a only when off
	}{
		{"icanon", t.Lflag&unix.ICANON != 0, true}, {"echo", t.Lflag&unix.ECHO != 0, true},
		{"isig", t.Lflag&unix.ISIG != 0, true}, {"icrnl", t.Iflag&unix.ICRNL != 0, true},
		{"opost", t.Oflag&unix.OPOST != 0, true}, {"onlcr", t.Oflag&unix.ONLCR != 0, true},
	}
	sep := ""
	for _, f := range flags {
		switch {
		case f.set:
			fmt.Fprintf(env.Stdout, "%s%s", sep, f.name)
		case all || f.all:
			fmt.Fprintf(env.Stdout, "%s-%s", sep, f.name)
		default:
			continue
		}
		sep = " "
	}
	fmt.Fprintln(env.Stdout)
	return 0
}

// sttyErr is err as GNU stty words it ("Inappropriate ioctl for device"), without Go's
// "open PATH:" prefix, which the message names already.
func sttyErr(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		err = pe.Err
	}
	if err == unix.ENOTTY {
		return "Inappropriate ioctl for device"
	}
	return err.Error()
}
