package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

// KubectlCompleteScript is the kubectl_complete-ddebug script (also hack/kubectl_complete-
// ddebug): kubectl 1.26+ runs it, when it is on PATH, to complete `kubectl ddebug <TAB>`.
const KubectlCompleteScript = `#!/bin/sh
# kubectl (1.26 and later) runs kubectl_complete-ddebug, when it is on PATH, to complete
# ` + "`kubectl ddebug <TAB>`" + `: pods, containers (-c), namespaces, contexts and subcommands.
# Install: put this file next to kubectl-ddebug (e.g. ~/.krew/bin) and make it executable.
exec kubectl-ddebug __complete "$@"
`

// completionTimeout bounds a completion's talk with a daemon: a TAB must answer at once.
const completionTimeout = time.Second

// addCompletion adds the completion command and the dynamic completions of the host face.
func addCompletion(root *cobra.Command, streams Streams, s *settings) {
	root.AddCommand(newCompletionCommand(streams))
	list := s.listTargets
	if list == nil {
		list = func(ctx context.Context) target.Listing { return defaultResolver().List(ctx) }
	}
	for _, c := range root.Commands() {
		if c.Name() == "exec" && c.ValidArgsFunction == nil {
			c.ValidArgsFunction = completeExecTarget(list)
		}
	}
}

// withTargets has `exec <TAB>` complete the containers list lists instead of those of
// every runtime.
func withTargets(list func(context.Context) target.Listing) Option {
	return func(s *settings) { s.listTargets = list }
}

func newCompletionCommand(streams Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell|kubectl-plugin",
		Short: "Print a shell completion script (kubectl-plugin: the kubectl_complete-ddebug script)",
		Long: `Print a completion script for the shell named, for this program called as itself
(kubectl-ddebug or ddebug). For 'kubectl ddebug <TAB>', kubectl 1.26+ runs an executable named
kubectl_complete-ddebug from PATH: 'completion kubectl-plugin' prints it.`,
		Example: `  source <(ddebug completion bash)
  kubectl-ddebug completion zsh > "${fpath[1]}/_kubectl-ddebug"
  kubectl-ddebug completion fish > ~/.config/fish/completions/kubectl-ddebug.fish
  kubectl-ddebug completion kubectl-plugin > ~/.krew/bin/kubectl_complete-ddebug && chmod +x ~/.krew/bin/kubectl_complete-ddebug`,
		ValidArgs:             []string{"bash", "zsh", "fish", "powershell", "kubectl-plugin"},
		Args:                  cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeCompletion(cmd.Root(), args[0], streams.Out)
		},
	}
}

// writeCompletion writes the script for shell. The scripts complete the binary's own name:
// the root's Use is "kubectl ddebug" for the plugin, whose first word would make them
// hijack kubectl's own completion.
func writeCompletion(root *cobra.Command, shell string, w io.Writer) error {
	if shell == "kubectl-plugin" {
		_, err := io.WriteString(w, KubectlCompleteScript)
		return err
	}
	use := root.Use
	root.Use = binaryName(use)
	defer func() { root.Use = use }()
	switch shell {
	case "bash":
		return root.GenBashCompletionV2(w, true)
	case "zsh":
		return root.GenZshCompletion(w)
	case "fish":
		return root.GenFishCompletion(w, true)
	case "powershell":
		return root.GenPowerShellCompletionWithDesc(w)
	}
	return fmt.Errorf("no completion for shell %q (bash, zsh, fish, powershell)", shell)
}

// binaryName is the executable behind a root Use line: "kubectl ddebug ..." is
// kubectl-ddebug, "ddebug" is ddebug.
func binaryName(use string) string {
	if strings.HasPrefix(use, "kubectl ddebug") {
		return "kubectl-ddebug"
	}
	return strings.Fields(use)[0]
}

// completeExecTarget completes `ddebug exec <TAB>` with the running containers list finds
// (every runtime that answers): bare names where a name is one runtime's only, references
// (podman://web, containerd://ns/id, k8s://ns/pod/container) after a scheme or where a
// name is in several runtimes. It is silent on every error: no daemon, no permission on a
// socket, a slow runtime (completionTimeout).
func completeExecTarget(list func(context.Context) target.Listing) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(cmd.Context(), completionTimeout)
		defer cancel()
		return execCandidates(list(ctx).Targets, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// execCandidates are the completions of word among ts.
func execCandidates(ts []target.Target, word string) []string {
	refs := map[string][]string{} // bare name -> references
	for _, t := range ts {
		if t.Runtime == target.SchemePID {
			continue
		}
		refs[t.Name] = append(refs[t.Name], t.Ref())
	}
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if strings.HasPrefix(s, word) && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for name, rs := range refs {
		if strings.Contains(word, "://") || len(rs) > 1 || name == "" || strings.Contains(name, "/") {
			for _, r := range rs {
				add(r)
			}
			continue
		}
		add(name)
	}
	sort.Strings(out)
	return out
}
