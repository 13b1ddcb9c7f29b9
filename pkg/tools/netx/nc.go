package netx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Nc is nc: connect to or listen on TCP/UDP ports, scan ports (-z).
var Nc = tools.Applet{Name: "nc", Aliases: []string{"netcat"}, Summary: "connect to or listen on TCP/UDP ports, scan ports (-z)", Run: runNC}

const ncUsage = `nc [-u] [-v] [-n] [-4|-6] [-w SECONDS] HOST PORT       connect; stdin to the socket, the socket to stdout
nc -l [-u] [-k] [-v] [-p PORT] [HOST] [PORT]             listen, serve one connection (-k: keep serving)
nc -z [-v] [-w SECONDS] HOST PORT[-PORT]...              scan: report which TCP ports accept a connection
-w is the connect timeout and the idle timeout of a connection. At the end of stdin a TCP
connection is half-closed and nc waits for the peer to close.`

type ncOptions struct {
	udp, verbose, listen, keep, scan bool
	network                          string
	timeout                          time.Duration
}

func runNC(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("nc", "")
	udp, verbose, listen := fs.Bool('u', "udp"), fs.Count('v', "verbose"), fs.Bool('l', "listen")
	keep, scan := fs.Bool('k', "keep-open"), fs.Bool('z', "zero")
	fs.Bool('n', "nodns")
	fs.Bool('N', "shutdown")
	v4, v6 := fs.Bool('4', ""), fs.Bool('6', "")
	wait := fs.String('w', "wait", "")
	port := fs.String('p', "source-port", "")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, ncUsage)
	}
	if err != nil {
		env.Errorf("nc", "%v", err)
		return 2
	}
	o := ncOptions{udp: *udp, verbose: *verbose > 0, listen: *listen, keep: *keep, scan: *scan, network: "tcp"}
	if *udp {
		o.network = "udp"
	}
	switch {
	case *v4:
		o.network += "4"
	case *v6:
		o.network += "6"
	}
	if *wait != "" {
		f, err := strconv.ParseFloat(*wait, 64)
		if err != nil || f <= 0 {
			env.Errorf("nc", "invalid -w %q", *wait)
			return 2
		}
		o.timeout = time.Duration(f * float64(time.Second))
	}
	switch {
	case o.listen:
		host, p := "", *port
		switch len(ops) {
		case 1:
			if p == "" {
				p = ops[0]
			} else {
				host = ops[0]
			}
		case 2:
			host, p = ops[0], ops[1]
		}
		if p == "" {
			env.Errorf("nc", "-l needs a port")
			return 2
		}
		return ncListen(ctx, env, o, net.JoinHostPort(host, p))
	case o.scan:
		if len(ops) < 2 {
			env.Errorf("nc", "-z needs a host and ports")
			return 2
		}
		return ncScan(ctx, env, o, ops[0], ops[1:])
	}
	if len(ops) != 2 {
		env.Errorf("nc", "need a host and a port (nc --help)")
		return 2
	}
	d := net.Dialer{Timeout: o.timeout}
	conn, err := d.DialContext(ctx, o.network, net.JoinHostPort(ops[0], ops[1]))
	if err != nil {
		if o.verbose {
			env.Errorf("nc", "connect to %s port %s (%s) failed: %v", ops[0], ops[1], o.network, err)
		}
		return 1
	}
	if o.verbose {
		fmt.Fprintf(env.Stderr, "Connection to %s %s port [%s] succeeded!\n", ops[0], ops[1], o.network)
	}
	return ncPipe(ctx, env, o, conn)
}

// ncPipe copies env.Stdin to conn and conn to env.Stdout until the peer closes, the idle
// timeout passes or ctx ends.
func ncPipe(ctx context.Context, env *tools.Env, o ncOptions, conn net.Conn) int {
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	touch := func() {
		if o.timeout > 0 {
			conn.SetReadDeadline(time.Now().Add(o.timeout))
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 32*1024)
		for {
			n, err := env.Stdin.Read(buf)
			if n > 0 {
				if _, werr := conn.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				if cw, ok := conn.(interface{ CloseWrite() error }); ok && !o.udp {
					cw.CloseWrite()
				}
				return
			}
		}
	}()
	touch()
	buf := make([]byte, 32*1024)
	status := 0
	for {
		n, err := conn.Read(buf)
		if n > 0 {
			env.Stdout.Write(buf[:n])
			touch()
		}
		if err != nil {
			var ne net.Error
			if !errors.Is(err, io.EOF) && !(errors.As(err, &ne) && ne.Timeout()) && ctx.Err() == nil {
				env.Errorf("nc", "%v", err)
				status = 1
			}
			break
		}
	}
	// The stdin copier may stay blocked on a read of a stdin that never ends; it stops at
	// its next read once the connection is closed.
	return status
}

func ncListen(ctx context.Context, env *tools.Env, o ncOptions, addr string) int {
	if o.udp {
		pc, err := net.ListenPacket(o.network, addr)
		if err != nil {
			env.Errorf("nc", "%v", err)
			return 1
		}
		defer pc.Close()
		if o.verbose {
			fmt.Fprintf(env.Stderr, "Listening on %s (udp)\n", pc.LocalAddr())
		}
		stop := context.AfterFunc(ctx, func() { pc.SetDeadline(time.Now()) })
		defer stop()
		buf := make([]byte, 65535)
		for {
			if o.timeout > 0 {
				pc.SetReadDeadline(time.Now().Add(o.timeout))
			}
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				return 0
			}
			env.Stdout.Write(buf[:n])
		}
	}
	ln, err := net.Listen(o.network, addr)
	if err != nil {
		env.Errorf("nc", "%v", err)
		return 1
	}
	defer ln.Close()
	if o.verbose {
		fmt.Fprintf(env.Stderr, "Listening on %s\n", ln.Addr())
	}
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return 130
			}
			env.Errorf("nc", "%v", err)
			return 1
		}
		if o.verbose {
			fmt.Fprintf(env.Stderr, "Connection received on %s\n", conn.RemoteAddr())
		}
		status := ncPipe(ctx, env, o, conn)
		if !o.keep || ctx.Err() != nil {
			return status
		}
	}
}

// parsePortRange accepts 80, 8000-8010.
func parsePortRange(s string) (int, int, error) {
	lo, hi, isRange := strings.Cut(s, "-")
	a, err := strconv.Atoi(lo)
	if err != nil || a < 1 || a > 65535 {
		return 0, 0, fmt.Errorf("invalid port %q", s)
	}
	b := a
	if isRange {
		if b, err = strconv.Atoi(hi); err != nil || b < a || b > 65535 {
			return 0, 0, fmt.Errorf("invalid port range %q", s)
		}
	}
	return a, b, nil
}

func ncScan(ctx context.Context, env *tools.Env, o ncOptions, host string, specs []string) int {
	timeout := o.timeout
	if timeout == 0 {
		timeout = 2 * time.Second
	}
	status := 1
	for _, spec := range specs {
		lo, hi, err := parsePortRange(spec)
		if err != nil {
			env.Errorf("nc", "%v", err)
			return 2
		}
		// Scan a range a few ports at a time, reporting in port order.
		const parallel = 32
		for start := lo; start <= hi; start += parallel {
			end := min(start+parallel-1, hi)
			results := make([]error, end-start+1)
			var wg sync.WaitGroup
			for p := start; p <= end; p++ {
				wg.Add(1)
				go func(p int) {
					defer wg.Done()
					d := net.Dialer{Timeout: timeout}
					c, err := d.DialContext(ctx, o.network, net.JoinHostPort(host, strconv.Itoa(p)))
					if err == nil {
						c.Close()
					}
					results[p-start] = err
				}(p)
			}
			wg.Wait()
			if ctx.Err() != nil {
				return 130
			}
			for i, err := range results {
				p := start + i
				if err == nil {
					status = 0
					if o.verbose {
						fmt.Fprintf(env.Stderr, "Connection to %s %d port [%s/*] succeeded!\n", host, p, o.network)
					}
				} else if o.verbose {
					fmt.Fprintf(env.Stderr, "nc: connect to %s port %d (%s) failed: %v\n", host, p, o.network, err)
				}
			}
		}
	}
	return status
}
