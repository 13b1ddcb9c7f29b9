package ephemeral

import (
	"context"
	"errors"
	"fmt"

	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// WhoAmI asks the API server which user the client authenticates as (a
// SelfSubjectReview, what 'kubectl auth whoami' sends): the user the cluster sees, after
// impersonation, not the kubeconfig's name for the credentials.
func WhoAmI(ctx context.Context, client kubernetes.Interface) (string, error) {
	r, err := client.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authnv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("asking the API server who we are: %w", err)
	}
	if r.Status.UserInfo.Username == "" {
		return "", errors.New("asking the API server who we are: the review names no user")
	}
	return r.Status.UserInfo.Username, nil
}

// requester is the user recorded in a new debug container or pod: WhoAmI's answer, asked
// once per Debugger, else fallback (servers before 1.28 lack the API; a 403 is possible).
// It is called only when something new is created, so reusing a container costs no round
// trip.
func (d *Debugger) requester(ctx context.Context, fallback string) string {
	d.whoMu.Lock()
	defer d.whoMu.Unlock()
	if !d.whoAsked {
		d.whoAsked = true
		d.who, _ = WhoAmI(ctx, d.Client)
	}
	if d.who != "" {
		return d.who
	}
	return fallback
}
