//go:build !ddebug_host

package cli

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/resource"
	"k8s.io/client-go/kubernetes/scheme"
)

// kubeCompletion completes the words of `kubectl ddebug <TAB>` as kubectl's own helpers
// (k8s.io/kubectl/pkg/util/completion) do for kubectl exec: pods and TYPE/NAME, -c the
// containers of that pod, -n namespaces, --context contexts. It asks the API server
// through the resource builder the command already uses, instead of importing kubectl's
// helpers: they bring `kubectl api-resources` and `kubectl get`, whose package
// initialisation alone cost every start of the plugin 20 ms.
type kubeCompletion struct {
	flags *genericclioptions.ConfigFlags
}

// workloadsWithPods are the TYPE/ choices kubectl offers beside pod names.
var workloadsWithPods = []string{"daemonsets", "deployments", "pods", "jobs", "replicasets", "replicationcontrollers", "services", "statefulsets"}

func (c kubeCompletion) register(root *cobra.Command) {
	root.ValidArgsFunction = c.podOrWorkload
	_ = root.RegisterFlagCompletionFunc("container", c.containers)
	_ = root.RegisterFlagCompletionFunc("namespace", c.namespaces)
	_ = root.RegisterFlagCompletionFunc("context", c.contexts)
}

// podOrWorkload completes NAME: the pods and the TYPE/ choices, or the names of TYPE/.
func (c kubeCompletion) podOrWorkload(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	directive := cobra.ShellCompDirectiveNoFileComp
	if len(args) != 0 {
		return nil, directive
	}
	kind, name, typed := strings.Cut(toComplete, "/")
	if typed {
		var comps []string
		for _, n := range c.names(kind, name) {
			comps = append(comps, kind+"/"+n)
		}
		return comps, directive
	}
	comps := c.names("pod", toComplete)
	if len(comps) == 0 {
		directive |= cobra.ShellCompDirectiveNoSpace // only TYPE/ left: no space after the slash
	}
	for _, w := range workloadsWithPods {
		if strings.HasPrefix(w, toComplete) {
			comps = append(comps, w+"/")
		}
	}
	return comps, directive
}

// containers completes -c: the init containers and containers of the pod NAME stands for.
func (c kubeCompletion) containers(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	ns, _, err := c.flags.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	obj, err := resource.NewBuilder(c.flags).
		WithScheme(scheme.Scheme, scheme.Scheme.PrioritizedVersionsAllGroups()...).
		ContinueOnError().
		NamespaceParam(ns).DefaultNamespace().
		ResourceNames("pods", args[0]).
		Do().Object()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	cfg, err := c.flags.ToRESTConfig()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	client, err := podsClient(cfg)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	// A short wait, as kubectl's: a TAB must answer at once.
	pod, err := attachablePod(context.Background(), client, obj, 100*time.Millisecond)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var comps []string
	for _, ctr := range append(slices.Clone(pod.Spec.InitContainers), pod.Spec.Containers...) {
		if strings.HasPrefix(ctr.Name, toComplete) {
			comps = append(comps, ctr.Name)
		}
	}
	return comps, cobra.ShellCompDirectiveNoFileComp
}

// namespaces completes -n.
func (c kubeCompletion) namespaces(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) != 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return c.names("namespace", toComplete), cobra.ShellCompDirectiveNoFileComp
}

// contexts completes --context from the kubeconfig, sorted.
func (c kubeCompletion) contexts(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) != 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	raw, err := c.flags.ToRawKubeConfigLoader().RawConfig()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var comps []string
	for name := range raw.Contexts {
		if strings.HasPrefix(name, toComplete) {
			comps = append(comps, name)
		}
	}
	slices.Sort(comps)
	return comps, cobra.ShellCompDirectiveNoFileComp
}

// names lists the names of the objects of type kind (any type or short name the API
// server knows) in the kubeconfig's namespace that begin with prefix; none on any error.
func (c kubeCompletion) names(kind, prefix string) []string {
	ns, _, err := c.flags.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return nil
	}
	infos, _ := resource.NewBuilder(c.flags).
		Unstructured().
		NamespaceParam(ns).DefaultNamespace().
		ResourceTypeOrNameArgs(true, kind).
		ContinueOnError().Flatten().
		Do().Infos()
	var comps []string
	for _, info := range infos {
		if strings.HasPrefix(info.Name, prefix) {
			comps = append(comps, info.Name)
		}
	}
	return comps
}
