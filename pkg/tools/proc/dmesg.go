//go:build linux

package proc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Dmesg is dmesg: print (or clear) the kernel's message buffer, from /dev/kmsg, else
// syslog(2) as util-linux's -S.
//
//	dmesg [-c | -C] [-r] [-T] [-S]
var Dmesg = tools.Applet{Name: "dmesg", Summary: "print or clear the kernel's message buffer", Run: runDmesg}

// The syslog(2) actions dmesg uses (linux/syslog.h).
const (
	syslogReadAll = 3
	syslogClear   = 5
	syslogSize    = 10
)

// kmsgLine is one kernel message.
type kmsgLine struct {
	pri  int
	usec int64
	text string
}

func runDmesg(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("dmesg", "dmesg [-c | -C] [-r] [-T] [-S]\n"+
		"Prints the kernel's messages; -c then clears them, -C only clears; -r: with their <priority>;\n"+
		"-T: wall-clock times (may be off after a suspend); -S: read through syslog(2), not /dev/kmsg.")
	readClear := fs.Bool('c', "read-clear")
	clear := fs.Bool('C', "clear")
	raw := fs.Bool('r', "raw")
	human := fs.Bool('T', "ctime")
	useSyslog := fs.Bool('S', "syslog")
	if _, st := fs.Parse(env, args[1:]); st >= 0 {
		return st
	}
	if *clear {
		if _, err := unix.Klogctl(syslogClear, nil); err != nil {
			env.Errorf("dmesg", "klogctl failed: %s", dmesgReason(err))
			return 1
		}
		return 0
	}
	var lines []kmsgLine
	var err error
	if !*useSyslog {
		lines, err = readKmsg()
	}
	if *useSyslog || err != nil {
		lines, err = readSyslog()
	}
	if err != nil {
		env.Errorf("dmesg", "read kernel buffer failed: %s", dmesgReason(err))
		return 1
	}
	var boot time.Time
	if *human {
		if up, err := systemUptime(); err == nil {
			boot = time.Now().Add(-up)
		}
	}
	w := bufio.NewWriter(env.Stdout)
	for _, l := range lines {
		if *raw {
			fmt.Fprintf(w, "<%d>", l.pri)
		}
		if *human {
			fmt.Fprintf(w, "[%s] %s\n", boot.Add(time.Duration(l.usec)*time.Microsecond).Format("Mon Jan _2 15:04:05 2006"), l.text)
		} else {
			fmt.Fprintf(w, "[%5d.%06d] %s\n", l.usec/1e6, l.usec%1e6, l.text)
		}
	}
	if err := w.Flush(); err != nil {
		return 1
	}
	if *readClear {
		if _, err := unix.Klogctl(syslogClear, nil); err != nil {
			env.Errorf("dmesg", "klogctl failed: %s", dmesgReason(err))
			return 1
		}
	}
	return 0
}

func dmesgReason(err error) string {
	if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
		return "Operation not permitted (kernel.dmesg_restrict asks for CAP_SYSLOG: run as root, or with --profile=sysadmin)"
	}
	return tools.Reason(err)
}

// readKmsg reads every record /dev/kmsg holds: "PRI,SEQ,USEC,FLAGS;TEXT", then lines of
// " KEY=VALUE" that dmesg does not print. Records lost to the ring's wrapping (EPIPE) are
// skipped.
func readKmsg() ([]kmsgLine, error) {
	fd, err := unix.Open("/dev/kmsg", unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	var out []kmsgLine
	buf := make([]byte, 8192)
	for {
		n, err := unix.Read(fd, buf)
		if err == unix.EPIPE || err == unix.EINTR {
			continue
		}
		if err == unix.EAGAIN {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		head, text, ok := bytes.Cut(buf[:n], []byte(";"))
		if !ok {
			continue
		}
		f := strings.Split(string(head), ",")
		if len(f) < 3 {
			continue
		}
		pri, _ := strconv.Atoi(f[0])
		usec, _ := strconv.ParseInt(f[2], 10, 64)
		text, _, _ = bytes.Cut(text, []byte("\n"))
		out = append(out, kmsgLine{pri: pri, usec: usec, text: kmsgText(text)})
	}
}

// kmsgText undoes /dev/kmsg's escaping (the kernel writes a control byte, a byte from
// 0x7f up and a backslash as \xHH) and escapes again, as util-linux's dmesg does, only what
// a terminal should not be sent: control characters other than a tab, and bytes that are
// not UTF-8.
func kmsgText(b []byte) string {
	raw := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+3 < len(b) && b[i+1] == 'x' {
			if v, err := strconv.ParseUint(string(b[i+2:i+4]), 16, 8); err == nil {
				raw = append(raw, byte(v))
				i += 3
				continue
			}
		}
		raw = append(raw, b[i])
	}
	var out strings.Builder
	for len(raw) > 0 {
		r, n := utf8.DecodeRune(raw)
		switch {
		case r == utf8.RuneError && n <= 1, r < ' ' && r != '\t', r == 0x7f:
			fmt.Fprintf(&out, "\\x%02x", raw[0])
			n = 1
		default:
			out.Write(raw[:n])
		}
		raw = raw[n:]
	}
	return out.String()
}

// readSyslog reads the buffer through syslog(2): lines of "<PRI>[SECS.USEC] TEXT".
func readSyslog() ([]kmsgLine, error) {
	size, err := unix.Klogctl(syslogSize, nil)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, size+8) // as util-linux sizes it
	n, err := unix.Klogctl(syslogReadAll, buf)
	if err != nil {
		return nil, err
	}
	var out []kmsgLine
	for _, l := range strings.Split(strings.TrimSuffix(string(buf[:n]), "\n"), "\n") {
		var k kmsgLine
		if rest, ok := strings.CutPrefix(l, "<"); ok {
			if p, r, ok := strings.Cut(rest, ">"); ok {
				k.pri, _ = strconv.Atoi(p)
				l = r
			}
		}
		if rest, ok := strings.CutPrefix(l, "["); ok {
			if ts, r, ok := strings.Cut(rest, "]"); ok {
				secs, frac, _ := strings.Cut(strings.TrimSpace(ts), ".")
				s, _ := strconv.ParseInt(secs, 10, 64)
				u, _ := strconv.ParseInt(frac, 10, 64)
				k.usec = s*1e6 + u
				l = strings.TrimPrefix(r, " ")
			}
		}
		k.text = l
		out = append(out, k)
	}
	return out, nil
}
