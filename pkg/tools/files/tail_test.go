package files

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/toolstest"
)

func TestTailFollowStopsOnCancel(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "log")
	os.WriteFile(p, []byte("1\n2\n"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	out := &toolstest.SyncBuffer{}
	env := &tools.Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: out, Dir: dir}
	done := make(chan int)
	a, _ := tools.Lookup("tail")
	go func() { done <- a.Run(ctx, env, []string{"tail", "-f", "-s", "0.05", "-n", "1", "log"}) }()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "2\n") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	f, _ := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("3\n")
	f.Close()
	for !strings.Contains(out.String(), "3\n") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("tail -f did not stop after cancel")
	}
	if got := out.String(); got != "2\n3\n" {
		t.Errorf("tail -f output %q", got)
	}
}
