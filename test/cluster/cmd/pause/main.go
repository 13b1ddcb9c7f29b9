// Command pause is a minimal stand-in for the Kubernetes pause image: it
// sleeps until SIGINT or SIGTERM, reaping any zombie it inherits. Built
// static, it runs in a FROM-scratch image; the e2e cluster uses it as the
// sandbox image and as the non-root target application.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for sig := range sigs {
		if sig != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
