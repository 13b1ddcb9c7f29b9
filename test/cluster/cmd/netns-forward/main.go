// Command netns-forward forwards TCP connections accepted on a host
// address to an address inside a network namespace. The e2e cluster runs
// in its own namespace (see test/cluster/README.md); this is how kubectl
// and the tests on the host reach its apiserver.
//
//	netns-forward -netns /run/netns/ddebug-e2e -listen 127.0.0.1:16443 -connect 127.0.0.1:16443
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"runtime"
	"sync"

	"golang.org/x/sys/unix"
)

// init keeps the main goroutine on the main thread, so that the threads
// dialIn moves into the namespace (and discards) are never the main one,
// which the runtime cannot discard.
func init() { runtime.LockOSThread() }

func main() {
	netns := flag.String("netns", "", "network namespace file, e.g. /run/netns/NAME")
	listen := flag.String("listen", "127.0.0.1:16443", "host address to listen on")
	connect := flag.String("connect", "127.0.0.1:16443", "address to connect to inside the namespace")
	flag.Parse()
	if err := run(*netns, *listen, *connect); err != nil {
		fmt.Fprintln(os.Stderr, "netns-forward:", err)
		os.Exit(1)
	}
}

func run(netns, listen, connect string) error {
	if netns == "" {
		return fmt.Errorf("-netns is required")
	}
	nsFile, err := os.Open(netns)
	if err != nil {
		return fmt.Errorf("opening network namespace: %w", err)
	}
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listening: %w", err)
	}
	log.Printf("forwarding %s to %s in %s", listen, connect, netns)
	err = serve(l, int(nsFile.Fd()), connect)
	// serve holds only the fd number: without this the file is collected, its finalizer
	// closes the fd, and every later dial does setns on whatever reuses the number
	// (EINVAL), which a burst of connections (kubectl ddebug --all-pods) brought about.
	runtime.KeepAlive(nsFile)
	return err
}

// serve forwards every connection accepted on l to addr in the network
// namespace nsFD, until l fails.
func serve(l net.Listener, nsFD int, addr string) error {
	for {
		c, err := l.Accept()
		if err != nil {
			return fmt.Errorf("accepting: %w", err)
		}
		go forward(c, nsFD, addr)
	}
}

// forward connects to addr from inside the namespace nsFD and copies
// both ways. A socket stays in the namespace it was created in, so only
// the dial needs the namespace: it runs on a locked thread that is
// discarded afterwards (the goroutine returns without unlocking).
func forward(c net.Conn, nsFD int, addr string) {
	defer c.Close()
	upstream, err := dialIn(nsFD, addr)
	if err != nil {
		log.Printf("connecting to %s: %v", addr, err)
		return
	}
	defer upstream.Close()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = io.Copy(upstream, c)
		if tc, ok := upstream.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
	}()
	_, _ = io.Copy(c, upstream)
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	wg.Wait()
}

func dialIn(nsFD int, addr string) (net.Conn, error) {
	type result struct {
		c   net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		if err := unix.Setns(nsFD, unix.CLONE_NEWNET); err != nil {
			ch <- result{nil, fmt.Errorf("entering network namespace: %w", err)}
			return
		}
		c, err := net.Dial("tcp", addr)
		ch <- result{c, err}
	}()
	r := <-ch
	return r.c, r.err
}
