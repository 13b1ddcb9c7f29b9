//go:build !ddebug_lean

package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

// The command line: a resolver failure is one line on stderr and status 125.
func TestExecCommandLine(t *testing.T) {
	var out, errb bytes.Buffer
	root := NewRootCommand("ddebug", Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errb})
	root.SetArgs([]string{"exec", "nope://x"})
	err := root.ExecuteContext(context.Background())
	if err == nil || !errors.Is(err, target.ErrBadReference) {
		t.Errorf("exec nope://x: %v, want ErrBadReference", err)
	}
}
