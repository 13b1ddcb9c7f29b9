// Command targetapp is the program of the e2e test containers: a static stand-in for a
// distroless service. It optionally listens on TCP, optionally starts a second process
// (itself with -child), writes nothing, and sleeps until killed.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

func main() {
	listen := flag.String("listen", "", "TCP address to listen on, e.g. :8080")
	child := flag.Bool("child", false, "start a second process (this program with -worker)")
	worker := flag.Bool("worker", false, "run as the worker child")
	flag.Parse()
	if *listen != "" {
		l, err := net.Listen("tcp", *listen)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				c.Write([]byte("hello from targetapp\n"))
				c.Close()
			}
		}()
	}
	if *child && !*worker {
		cmd := exec.Command("/proc/self/exe", "-worker")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
}
