//go:build !ddebug_host

package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// fakeAPIServer serves the discovery documents and the objects the completions read: in
// namespace prod the pods web (init container setup, containers app and sidecar) and
// worker-1 (of deployment worker), and the namespaces default and prod.
func fakeAPIServer(t *testing.T) *httptest.Server {
	t.Helper()
	web := corev1.Pod{TypeMeta: metav1.TypeMeta{Kind: "Pod", APIVersion: "v1"},
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "prod"},
		Spec: corev1.PodSpec{InitContainers: []corev1.Container{{Name: "setup"}},
			Containers: []corev1.Container{{Name: "app"}, {Name: "sidecar"}}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning}}
	worker := corev1.Pod{TypeMeta: metav1.TypeMeta{Kind: "Pod", APIVersion: "v1"},
		ObjectMeta: metav1.ObjectMeta{Name: "worker-1", Namespace: "prod", Labels: map[string]string{"app": "worker"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "queue"}}},
		Status:     corev1.PodStatus{Phase: corev1.PodRunning}}
	deploy := appsv1.Deployment{TypeMeta: metav1.TypeMeta{Kind: "Deployment", APIVersion: "apps/v1"},
		ObjectMeta: metav1.ObjectMeta{Name: "worker", Namespace: "prod"},
		Spec:       appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "worker"}}}}
	ns := func(name string) corev1.Namespace {
		return corev1.Namespace{TypeMeta: metav1.TypeMeta{Kind: "Namespace", APIVersion: "v1"}, ObjectMeta: metav1.ObjectMeta{Name: name}}
	}
	resources := func(gv string, rs ...metav1.APIResource) *metav1.APIResourceList {
		return &metav1.APIResourceList{TypeMeta: metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"}, GroupVersion: gv, APIResources: rs}
	}
	verbs := metav1.Verbs{"get", "list", "watch"}
	docs := map[string]any{
		"/api": &metav1.APIVersions{TypeMeta: metav1.TypeMeta{Kind: "APIVersions"}, Versions: []string{"v1"}},
		"/apis": &metav1.APIGroupList{TypeMeta: metav1.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}, Groups: []metav1.APIGroup{{
			Name: "apps", Versions: []metav1.GroupVersionForDiscovery{{GroupVersion: "apps/v1", Version: "v1"}},
			PreferredVersion: metav1.GroupVersionForDiscovery{GroupVersion: "apps/v1", Version: "v1"}}}},
		"/api/v1": resources("v1",
			metav1.APIResource{Name: "pods", SingularName: "pod", Namespaced: true, Kind: "Pod", Verbs: verbs, ShortNames: []string{"po"}},
			metav1.APIResource{Name: "namespaces", SingularName: "namespace", Kind: "Namespace", Verbs: verbs, ShortNames: []string{"ns"}}),
		"/apis/apps/v1": resources("apps/v1",
			metav1.APIResource{Name: "deployments", SingularName: "deployment", Namespaced: true, Kind: "Deployment", Verbs: verbs, ShortNames: []string{"deploy"}}),
		"/api/v1/namespaces":                                    &corev1.NamespaceList{TypeMeta: metav1.TypeMeta{Kind: "NamespaceList", APIVersion: "v1"}, Items: []corev1.Namespace{ns("default"), ns("prod")}},
		"/api/v1/namespaces/prod/pods/web":                      &web,
		"/api/v1/namespaces/prod/pods/worker-1":                 &worker,
		"/apis/apps/v1/namespaces/prod/deployments/worker":      &deploy,
		"/apis/apps/v1/namespaces/prod/deployments":             &appsv1.DeploymentList{TypeMeta: metav1.TypeMeta{Kind: "DeploymentList", APIVersion: "apps/v1"}, Items: []appsv1.Deployment{deploy}},
		"/api/v1/namespaces/prod/pods?labelSelector=app=worker": &corev1.PodList{TypeMeta: metav1.TypeMeta{Kind: "PodList", APIVersion: "v1"}, Items: []corev1.Pod{worker}},
		"/api/v1/namespaces/prod/pods":                          &corev1.PodList{TypeMeta: metav1.TypeMeta{Kind: "PodList", APIVersion: "v1"}, Items: []corev1.Pod{web, worker}},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Path
		if sel := r.URL.Query().Get("labelSelector"); sel != "" {
			if _, err := labels.Parse(sel); err != nil {
				t.Errorf("label selector %q: %v", sel, err)
			}
			key += "?labelSelector=" + sel
		}
		doc, ok := docs[key]
		if !ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404,"message":"%s not found"}`, key)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(doc); err != nil {
			t.Error(err)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestKubeCompletion completes against an API server: pod names and TYPE/ choices, the
// names of a TYPE/, -c the containers of a pod or of a workload's pod, -n, --context.
func TestKubeCompletion(t *testing.T) {
	srv := fakeAPIServer(t)
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "`+srv.URL+`"}}]
users: [{name: alice, user: {token: t}}]
contexts:
- {name: prod, context: {cluster: c, user: alice, namespace: prod}}
- {name: staging, context: {cluster: c, user: alice}}
- {name: other, context: {cluster: c, user: alice}}
current-context: prod
`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{""}, []string{"web", "worker-1", "daemonsets/", "deployments/", "pods/", "jobs/", "replicasets/", "replicationcontrollers/", "services/", "statefulsets/"}},
		{[]string{"w"}, []string{"web", "worker-1"}},
		{[]string{"d"}, []string{"daemonsets/", "deployments/"}},
		{[]string{"deploy/"}, []string{"deploy/worker"}},
		{[]string{"pod/we"}, []string{"pod/web"}},
		{[]string{"web", ""}, nil},
		{[]string{"web", "-c", ""}, []string{"setup", "app", "sidecar"}},
		{[]string{"pod/web", "-c", "s"}, []string{"setup", "sidecar"}},
		{[]string{"deploy/worker", "-c", ""}, []string{"queue"}},
		{[]string{"nope", "-c", ""}, nil},
		{[]string{"-n", ""}, []string{"default", "prod"}},
		{[]string{"-n", "p"}, []string{"prod"}},
		{[]string{"--context", ""}, []string{"other", "prod", "staging"}},
		{[]string{"--context", "s"}, []string{"staging"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			args := append([]string{"--kubeconfig", kubeconfig, "--cache-dir", filepath.Join(dir, "cache")}, tt.args...)
			if diff := cmp.Diff(tt.want, completions(t, "kubectl-ddebug", args...)); diff != "" {
				t.Errorf("kubectl ddebug %s <TAB> (-want +got):\n%s", strings.Join(tt.args, " "), diff)
			}
		})
	}
	// No pod to complete: only TYPE/ choices, and no space after the slash.
	out := runCLI(t, "kubectl-ddebug", "__complete", "--kubeconfig", kubeconfig, "--cache-dir", filepath.Join(dir, "cache"), "rep")
	if want := "replicasets/\nreplicationcontrollers/\n:6\n"; !strings.HasPrefix(out, want) {
		t.Errorf("kubectl ddebug rep<TAB> printed %q, want %q (NoSpace|NoFileComp)", out, want)
	}
}

// TestSelectorOf finds the pods of a workload as kubectl attach does, and refuses an
// object it cannot select pods of.
func TestSelectorOf(t *testing.T) {
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "prod"}}
	if _, _, err := selectorOf(svc); err == nil || !strings.Contains(err.Error(), "without a selector") {
		t.Errorf("service without a selector: %v", err)
	}
	svc.Spec.Selector = map[string]string{"app": "web"}
	ns, sel, err := selectorOf(svc)
	if err != nil || ns != "prod" || sel.String() != "app=web" {
		t.Errorf("service: %q %v %v", ns, sel, err)
	}
	sts := &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Namespace: "db"},
		Spec: appsv1.StatefulSetSpec{Selector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"a", "b"}}}}}}
	ns, sel, err = selectorOf(sts)
	if err != nil || ns != "db" || sel.String() != "tier in (a,b)" {
		t.Errorf("statefulset: %q %v %v", ns, sel, err)
	}
	if _, _, err := selectorOf(&corev1.ConfigMap{}); err == nil {
		t.Error("a config map has a selector")
	}
}
