package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (creates a network namespace)")
	}
}

// newNetns creates a named network namespace with lo up and returns its
// file.
func newNetns(t *testing.T) *os.File {
	t.Helper()
	name := fmt.Sprintf("ddebug-fwd-test-%d", os.Getpid())
	if b, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, b)
	}
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	if b, err := exec.Command("ip", "-n", name, "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("ip link set lo up: %v: %s", err, b)
	}
	f, err := os.Open("/run/netns/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// listenIn listens on a free loopback port inside the namespace.
func listenIn(t *testing.T, ns *os.File) net.Listener {
	t.Helper()
	type result struct {
		l   net.Listener
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // the thread dies with the goroutine
		if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
			ch <- result{nil, err}
			return
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		ch <- result{l, err}
	}()
	r := <-ch
	if r.err != nil {
		t.Fatalf("listening in the namespace: %v", r.err)
	}
	t.Cleanup(func() { r.l.Close() })
	return r.l
}

func TestForwardReachesTheNamespace(t *testing.T) {
	requireRoot(t)
	hostNS, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	ns := newNetns(t)
	inner := listenIn(t, ns)
	go func() {
		for {
			c, err := inner.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				line, _ := bufio.NewReader(c).ReadString('\n')
				fmt.Fprintf(c, "echo %s", line)
			}()
		}
	}()

	// The inner port is not reachable from the host's namespace...
	if c, err := net.Dial("tcp", inner.Addr().String()); err == nil {
		c.Close()
		t.Fatalf("%s is reachable from the host namespace: the listener is not in the test namespace", inner.Addr())
	}

	// ...but through the forwarder it is.
	outer, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { outer.Close() })
	go func() { _ = serve(outer, int(ns.Fd()), inner.Addr().String()) }()

	for i := range 3 {
		c, err := net.Dial("tcp", outer.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "hello %d\n", i)
		got, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if want := fmt.Sprintf("echo hello %d\n", i); got != want || err != nil {
			t.Errorf("round trip %d = %q, %v; want %q", i, got, err, want)
		}
	}
	// The process (its main thread) stays in the host's namespace.
	if now, err := os.Readlink("/proc/self/ns/net"); err != nil || now != hostNS {
		t.Errorf("process network namespace = %s, %v; want %s", now, err, hostNS)
	}
}

// run keeps the namespace file open while it serves: the file was once collected, its fd
// closed by the finalizer, and every later connection failed with setns EINVAL/EBADF.
func TestRunKeepsTheNamespaceOpen(t *testing.T) {
	requireRoot(t)
	ns := newNetns(t)
	inner := listenIn(t, ns)
	go func() {
		for {
			c, err := inner.Accept()
			if err != nil {
				return
			}
			fmt.Fprintln(c, "hi")
			c.Close()
		}
	}()
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := free.Addr().String()
	free.Close()
	go func() { _ = run(ns.Name(), addr, inner.Addr().String()) }()
	dial := func() (string, error) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return "", err
		}
		defer c.Close()
		return bufio.NewReader(c).ReadString('\n')
	}
	for range 50 { // until run listens
		if _, err = dial(); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i := range 3 {
		runtime.GC()
		time.Sleep(20 * time.Millisecond) // finalizers run
		if got, err := dial(); got != "hi\n" {
			t.Fatalf("connection %d after a GC: %q, %v", i, got, err)
		}
	}
}
