package netx

import (
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

func TestNCConnect(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c) // until nc half-closes
		got <- string(b)
		c.Write([]byte("pong\n"))
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	out, stderr, code := runIn(t, context.Background(), "ping\n", "nc", "-w", "5", "127.0.0.1", port)
	if code != 0 || out != "pong\n" {
		t.Errorf("nc = %d %q %q, want pong", code, out, stderr)
	}
	if s := <-got; s != "ping\n" {
		t.Errorf("server got %q, want ping", s)
	}
}

func TestNCListen(t *testing.T) {
	// Find a free port, then let nc listen on it.
	probe, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(probe.Addr().(*net.TCPAddr).Port)
	probe.Close()
	a, _ := tools.Lookup("nc")
	var out, errb strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- a.Run(ctx, &tools.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, []string{"nc", "-l", "127.0.0.1", port})
	}()
	var c net.Conn
	for i := 0; i < 100; i++ {
		if c, err = net.Dial("tcp4", "127.0.0.1:"+port); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("nc -l never listened: %v", err)
	}
	c.Write([]byte("hello nc\n"))
	c.Close()
	select {
	case code := <-done:
		if code != 0 || out.String() != "hello nc\n" {
			t.Errorf("nc -l = %d %q %q", code, out.String(), errb.String())
		}
	case <-time.After(8 * time.Second):
		t.Fatal("nc -l did not return after the peer closed")
	}
}

func TestNCListenCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	start := time.Now()
	_, _, code := runIn(t, ctx, "", "nc", "-l", "127.0.0.1", "0")
	if code != 130 || time.Since(start) > 5*time.Second {
		t.Errorf("cancelled nc -l = %d after %v, want 130 at once", code, time.Since(start))
	}
}

func TestNCScan(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	port := ln.Addr().(*net.TCPAddr).Port
	spec := strconv.Itoa(port-2) + "-" + strconv.Itoa(port+2)
	_, stderr, code := run(t, "nc", "-zv", "-w", "1", "127.0.0.1", spec)
	want := "Connection to 127.0.0.1 " + strconv.Itoa(port) + " port [tcp/*] succeeded!"
	if code != 0 || !strings.Contains(stderr, want) {
		t.Errorf("nc -zv %s = %d %q, want %q", spec, code, stderr, want)
	}
	// A port with nothing behind it: find one by closing a listener.
	probe, _ := net.Listen("tcp4", "127.0.0.1:0")
	closed := strconv.Itoa(probe.Addr().(*net.TCPAddr).Port)
	probe.Close()
	if _, _, code := run(t, "nc", "-z", "-w", "1", "127.0.0.1", closed); code != 1 {
		t.Errorf("nc -z on a closed port = %d, want 1", code)
	}
}

func TestNCUDP(t *testing.T) {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 100)
		n, addr, err := pc.ReadFrom(buf)
		if err == nil {
			pc.WriteTo([]byte(strings.ToUpper(string(buf[:n]))), addr)
		}
	}()
	_, port, _ := net.SplitHostPort(pc.LocalAddr().String())
	out, stderr, _ := runIn(t, context.Background(), "dgram", "nc", "-u", "-w", "1", "127.0.0.1", port)
	if out != "DGRAM" {
		t.Errorf("nc -u = %q %q, want DGRAM", out, stderr)
	}
}

func TestParsePortRange(t *testing.T) {
	tests := []struct {
		in     string
		lo, hi int
		ok     bool
	}{{"80", 80, 80, true}, {"1-1024", 1, 1024, true}, {"0", 0, 0, false}, {"9-1", 0, 0, false}, {"x", 0, 0, false}, {"70000", 0, 0, false}}
	for _, tt := range tests {
		lo, hi, err := parsePortRange(tt.in)
		if (err == nil) != tt.ok || lo != tt.lo || hi != tt.hi {
			t.Errorf("parsePortRange(%q) = %d, %d, %v", tt.in, lo, hi, err)
		}
	}
}
