//go:build linux

package proc

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Logger is logger [-is] [-p PRI] [-t TAG] [-u SOCKET | -n HOST [-P PORT] [-T | -d]]
// [-f FILE | MESSAGE...]: send messages (or stdin's lines) to the system log, as
// util-linux's logger, in RFC 3164's form: <PRI>Mmm dd hh:mm:ss TAG[PID]: MESSAGE.
var Logger = tools.Applet{Name: "logger", Summary: "send messages to the system log", Run: runLogger}

const loggerUsage = `logger [OPTION]... [MESSAGE]
  -i, --id[=PID]         log the logger's PID (or PID) too
  -f, --file FILE        log the contents of FILE
  -p, --priority PRI     mark the message with FACILITY.LEVEL (user.notice)
  -s, --stderr           output the message to standard error as well
  -t, --tag TAG          mark every line with TAG (the user's name)
  -u, --socket SOCKET    write to SOCKET, not /dev/log
  -n, --server HOST      write to a remote syslog server (UDP, -T for TCP)
  -P, --port PORT        the server's port (514)
  -d, --udp  -T, --tcp   the server's protocol`

var loggerFacilities = [...]string{"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp"}
var loggerLevels = [...]string{"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"}

// loggerPriority parses FACILITY.LEVEL (names or numbers) into facility*8+level.
func loggerPriority(v string) (int, error) {
	fac, lev, ok := strings.Cut(v, ".")
	if !ok {
		fac, lev = "user", v
	}
	f := -1
	for i, n := range loggerFacilities {
		if n == fac {
			f = i
		}
	}
	if fac == "security" {
		f = 4
	}
	if strings.HasPrefix(fac, "local") && len(fac) == 6 && fac[5] >= '0' && fac[5] <= '7' {
		f = 16 + int(fac[5]-'0')
	}
	if n, err := strconv.Atoi(fac); err == nil && n >= 0 && n < 24 {
		f = n
	}
	if f < 0 {
		return 0, fmt.Errorf("unknown facility name: %s", fac)
	}
	l := -1
	for i, n := range loggerLevels {
		if n == lev {
			l = i
		}
	}
	switch lev {
	case "error":
		l = 3
	case "warn":
		l = 4
	case "panic":
		l = 0
	}
	if n, err := strconv.Atoi(lev); err == nil && n >= 0 && n < 8 {
		l = n
	}
	if l < 0 {
		return 0, fmt.Errorf("unknown priority name: %s", lev)
	}
	return f*8 + l, nil
}

func runLogger(ctx context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("logger", loggerUsage)
	withPID := fset.Bool('i', "")
	pidArg := fset.String(0, "id", "")
	file := fset.String('f', "file", "")
	prioArg := fset.String('p', "priority", "user.notice")
	toStderr := fset.Bool('s', "stderr")
	tag := fset.String('t', "tag", "")
	socket := fset.String('u', "socket", "/dev/log")
	server := fset.String('n', "server", "")
	port := fset.String('P', "port", "514")
	tcp := fset.Bool('T', "tcp")
	fset.BoolFunc('d', "udp", func() { *tcp = false })
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	prio, err := loggerPriority(*prioArg)
	if err != nil {
		env.Errorf("logger", "%v", err)
		return 1
	}
	if *tag == "" {
		*tag = env.Getenv("USER")
		if *tag == "" {
			*tag = env.Getenv("LOGNAME")
		}
		if *tag == "" {
			*tag = userdb.Load("/").UserOrID(os.Getuid())
		}
	}
	pid := ""
	if *withPID {
		pid = "[" + strconv.Itoa(os.Getpid()) + "]"
	}
	if *pidArg != "" {
		pid = "[" + *pidArg + "]"
	}
	var conn net.Conn
	if *server != "" {
		network := "udp"
		if *tcp {
			network = "tcp"
		}
		conn, err = net.DialTimeout(network, net.JoinHostPort(*server, *port), 10*time.Second)
		if err != nil {
			env.Errorf("logger", "failed to connect to %s port %s", *server, *port)
			return 1
		}
	} else {
		conn, err = net.Dial("unixgram", *socket)
		if err != nil {
			conn, err = net.Dial("unix", *socket)
		}
		if err != nil {
			env.Errorf("logger", "socket %s: %s", *socket, tools.Reason(err))
			return 1
		}
	}
	defer conn.Close()
	send := func(msg string) bool {
		line := fmt.Sprintf("<%d>%s %s%s: %s", prio, time.Now().Format("Jan _2 15:04:05"), *tag, pid, msg)
		if *toStderr {
			fmt.Fprintln(env.Stderr, line)
		}
		data := line
		if *tcp {
			data += "\n"
		}
		if _, err := conn.Write([]byte(data)); err != nil {
			env.Errorf("logger", "send message failed: %s", tools.Reason(err))
			return false
		}
		return true
	}
	if len(ops) > 0 && *file == "" {
		if !send(strings.Join(ops, " ")) {
			return 1
		}
		return 0
	}
	var in io.Reader = env.Stdin
	if *file != "" {
		f, err := os.Open(env.Abs(*file))
		if err != nil {
			env.Errorf("logger", "failed to open %s: %s", *file, tools.Reason(err))
			return 1
		}
		defer f.Close()
		in = f
	}
	sc := bufio.NewScanner(in)
	for sc.Scan() && ctx.Err() == nil {
		if sc.Text() == "" {
			continue
		}
		if !send(sc.Text()) {
			return 1
		}
	}
	return 0
}
