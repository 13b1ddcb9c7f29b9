//go:build !ddebug_host

package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/ephemeral"
)

func TestParseCopyArg(t *testing.T) {
	tests := []struct {
		in      string
		want    RemotePath
		remote  bool
		wantErr string
	}{
		{"./local", RemotePath{}, false, ""},
		{"/abs/a:b", RemotePath{}, false, ""},
		{"plain", RemotePath{}, false, ""},
		{"web:/etc/app", RemotePath{Ref: "web", Path: "/etc/app"}, true, ""},
		{"pod/web:app:/etc/app", RemotePath{Ref: "pod/web", Container: "app", Path: "/etc/app"}, true, ""},
		{"deploy/web:etc", RemotePath{Ref: "deploy/web", Path: "etc"}, true, ""},
		{"web:/etc/a:b", RemotePath{Ref: "web", Path: "/etc/a:b"}, true, ""},
		{"web:app:", RemotePath{}, false, "names no path"},
		{"web:", RemotePath{}, false, "names no path"},
		{":/x", RemotePath{}, false, "want [pod/]NAME"},
	}
	for _, tt := range tests {
		got, remote, err := ParseCopyArg(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseCopyArg(%q): error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || remote != tt.remote || got != tt.want {
			t.Errorf("ParseCopyArg(%q) = %+v, %v, %v; want %+v, %v", tt.in, got, remote, err, tt.want, tt.remote)
		}
	}
}

// cpRun runs `kubectl ddebug cp args...` against a fake cluster whose pod web has a
// running debug container; exec answers with execFn.
func cpRun(t *testing.T, execFn ephemeral.ExecFunc, args ...string) (int, string, *int) {
	t.Helper()
	pod := podWithDebugContainer(t)
	prepared := new(int)
	hook := withCp(func(o *CpOptions) {
		no := false
		o.Progress = &no
		o.Kube.NewDebugger = func() (*ephemeral.Debugger, error) {
			*prepared++
			return &ephemeral.Debugger{Client: fake.NewClientset(pod), Exec: execFn}, nil
		}
		o.Kube.ResolvePod = func(context.Context) (*corev1.Pod, error) { return pod, nil }
	})
	status, _, stderr := runPluginWith(t, []Option{hook}, append([]string{"cp", "--kubeconfig", fakeKubeconfig(t)}, args...)...)
	return status, stderr, prepared
}

func TestCpCommand(t *testing.T) {
	noExec := func(context.Context, ephemeral.ExecRequest) error { t.Error("exec called"); return nil }
	local := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(local, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		args         []string
		wantErr      string
		wantPrepared int
	}{
		{"into the target without --allow-write", []string{local, "web:/tmp"}, "kubectl ddebug: copying into web changes a running container: refused\nhint: add --allow-write", 0},
		{"two remote sides", []string{"web:/a", "web:/b"}, "one side must be a local path", 0},
		{"two local sides", []string{"./a", "./b"}, "needs a container side", 0},
		{"container in path and -c differ", []string{"web:side:/a", "./b", "-c", "app"}, `container "side" in the path and -c "app" differ`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, stderr, prepared := cpRun(t, noExec, tt.args...)
			if status != ExitFailure || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("status %d, stderr %q; want %d with %q", status, stderr, ExitFailure, tt.wantErr)
			}
			if *prepared != tt.wantPrepared {
				t.Errorf("debugger built %d times, want %d", *prepared, tt.wantPrepared)
			}
		})
	}

	// Out of the target: the reused debug container runs the toolbox's tar at the target's root.
	var cmds [][]string
	status, stderr, _ := cpRun(t, func(_ context.Context, r ephemeral.ExecRequest) error {
		cmds = append(cmds, r.Command)
		if r.Container != "ddebug-aaaaa" {
			t.Errorf("exec into %q", r.Container)
		}
		return nil // an empty stream: nothing to extract
	}, "pod/web:/etc/app", filepath.Join(t.TempDir(), "copy"))
	if status != 0 {
		t.Fatalf("copy out: status %d\n%s", status, stderr)
	}
	want := [][]string{{"/bin/ddebug-toolbox", "ddebug-agent", "--session", "-q", "--", "tar", "-c", "-f", "-", "-C", "etc", "--", "app"}}
	if diff := cmp.Diff(want, cmds); diff != "" {
		t.Errorf("exec commands (-want +got):\n%s", diff)
	}
}

func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	p := &progressLine{w: &b, start: time.Now().Add(-2 * time.Second)}
	p.update(1<<20, 4<<20)
	p.update(2<<20, 4<<20) // within 200ms of the last line: not drawn
	p.finish()
	lines := strings.Split(b.String(), "\r\x1b[K")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "copied 1.0 MiB of 4.0 MiB (") || !strings.HasPrefix(lines[2], "copied 2.0 MiB of 4.0 MiB (") ||
		!strings.HasSuffix(b.String(), "/s)\n") {
		t.Errorf("progress output %q", b.String())
	}
	var quick bytes.Buffer
	p = &progressLine{w: &quick, start: time.Now()}
	p.update(1, -1)
	p.finish()
	if quick.Len() != 0 {
		t.Errorf("a copy shorter than half a second printed %q", quick.String())
	}
}
