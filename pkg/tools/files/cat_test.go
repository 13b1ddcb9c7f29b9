package files

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

func TestCatOfPipeStopsOnCancel(t *testing.T) {
	pr, pw := io.Pipe()
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				pw.Close()
				return
			case <-time.After(5 * time.Millisecond):
				pw.Write([]byte("x\n"))
			}
		}
	}()
	t.Cleanup(func() { close(stop) })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	out := &toolstest.SyncBuffer{}
	a, _ := tools.Lookup("cat")
	done := make(chan int)
	go func() { done <- a.Run(ctx, &tools.Env{Stdin: pr, Stdout: out, Stderr: out, Dir: "/"}, []string{"cat"}) }()
	select {
	case st := <-done:
		if st == 0 {
			t.Errorf("cat of an endless pipe returned 0 after cancel")
		}
		if !strings.HasPrefix(out.String(), "x\n") {
			t.Errorf("cat copied nothing before cancel: %q", out.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cat did not stop after ctx was cancelled")
	}
}
