package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

// PsOptions are the options of `ddebug ps`.
type PsOptions struct {
	// ProcRoot is the procfs the PIDs are read in ("" = /proc).
	ProcRoot string

	streams Streams
	// List lists the containers of every runtime; tests replace it.
	List func(ctx context.Context) target.Listing
}

func newPsCommand(streams Streams) *cobra.Command {
	o := &PsOptions{streams: streams}
	return &cobra.Command{
		Use:   "ps",
		Short: "List the running containers of every runtime on this host, with the reference 'ddebug exec' takes",
		Long: `List the running containers of every container runtime that answers on this host (Docker,
Podman, the CRI of a Kubernetes node, containerd), each once, with the reference to pass to
'ddebug exec', its image, the uid of its main process and that process's host PID.
A runtime that is installed but does not answer is named on stderr; absent ones are not.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.List == nil {
				o.List = defaultResolver().List
			}
			return o.Run(cmd.Context())
		},
	}
}

// Run lists and prints. It fails only when no runtime answered and one was in the way.
func (o *PsOptions) Run(ctx context.Context) error {
	if err := hostModeSupported("ps"); err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	l := o.List(rctx)
	cancel()
	schemes := make([]string, 0, len(l.Errors))
	for s := range l.Errors {
		schemes = append(schemes, s)
	}
	sort.Strings(schemes)
	for _, s := range schemes {
		fmt.Fprintf(o.streams.ErrOut, "ddebug ps: %s: %s\n", s, Sanitize(l.Errors[s].Error()))
	}
	if len(l.Answered) == 0 {
		if len(l.Errors) > 0 {
			return errors.New("no container runtime answers (see above)")
		}
		return fmt.Errorf("%w: no container runtime found on this host (Docker, Podman, CRI, containerd)", target.ErrUnavailable)
	}
	rank := map[string]int{}
	for i, t := range l.Targets {
		if _, ok := rank[t.Runtime]; !ok {
			rank[t.Runtime] = i
		}
	}
	ts := append([]target.Target(nil), l.Targets...)
	sort.SliceStable(ts, func(i, j int) bool {
		if rank[ts[i].Runtime] != rank[ts[j].Runtime] {
			return rank[ts[i].Runtime] < rank[ts[j].Runtime]
		}
		return ts[i].Ref() < ts[j].Ref()
	})
	w := tabwriter.NewWriter(o.streams.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "RUNTIME\tREFERENCE\tIMAGE\tUID\tPID")
	for _, t := range ts {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\n", t.Runtime, Sanitize(t.Ref()), Sanitize(orDash(t.Image)), procUID(o.ProcRoot, t.PID), t.PID)
	}
	return w.Flush()
}

// procUID is the real uid of pid, from /proc/<pid>/status; "-" when it cannot be read.
func procUID(procRoot string, pid int) string {
	if procRoot == "" {
		procRoot = "/proc"
	}
	b, err := os.ReadFile(fmt.Sprintf("%s/%d/status", procRoot, pid))
	if err != nil {
		return "-"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				return f[0]
			}
		}
	}
	return "-"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
