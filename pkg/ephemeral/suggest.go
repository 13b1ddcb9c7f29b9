package ephemeral

import (
	"context"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-ddebug/kubectl-ddebug/internal/spelling"
)

// PodNotFound returns the error for a missing pod, naming up to three pods of the
// namespace with close names (when the caller may list them).
func PodNotFound(ctx context.Context, client kubernetes.Interface, ns, name string) error {
	e := &Error{Kind: ErrPodNotFound, Msg: "pod " + name + " not found in namespace " + ns}
	list, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return e
	}
	names := make([]string, 0, len(list.Items))
	for _, p := range list.Items {
		names = append(names, p.Name)
	}
	if close := closeNames(name, names, 3); len(close) > 0 {
		e.Advice = "did you mean " + strings.Join(close, ", ") + "?"
	} else {
		e.Advice = "check the name and the namespace (-n); 'kubectl get pods -A' lists them all"
	}
	return e
}

// closeNames returns up to n of names that look like name, closest first.
func closeNames(name string, names []string, n int) []string {
	return spelling.Suggest(name, names, n)
}
