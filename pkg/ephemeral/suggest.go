package ephemeral

import (
	"context"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
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
	if close := CloseNames(name, names, 3); len(close) > 0 {
		e.Advice = "did you mean " + strings.Join(close, ", ") + "?"
	} else {
		e.Advice = "check the name and the namespace (-n); 'kubectl get pods -A' lists them all"
	}
	return e
}

// CloseNames returns up to n of names that look like name (a prefix either way, or a
// small edit distance), closest first.
func CloseNames(name string, names []string, n int) []string {
	type cand struct {
		name string
		d    int
	}
	var out []cand
	for _, c := range names {
		d := distance(name, c)
		switch {
		case strings.HasPrefix(c, name) || strings.HasPrefix(name, c):
			d = min(d, 1)
		case d > max(2, len(name)/3):
			continue
		}
		out = append(out, cand{c, d})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].d != out[j].d {
			return out[i].d < out[j].d
		}
		return out[i].name < out[j].name
	})
	var res []string
	for i := 0; i < len(out) && i < n; i++ {
		res = append(res, out[i].name)
	}
	return res
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
