package ephemeral

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// Identity is the uid/gid the target container runs with, as far as the API tells.
type Identity struct {
	UID, GID *int64
	// Source says where the ids come from: "status" (the kubelet's report of the running
	// process), "securityContext", or "" when unknown.
	Source string
}

// Known reports whether both ids are known.
func (i Identity) Known() bool { return i.UID != nil && i.GID != nil }

func (i Identity) String() string {
	if !i.Known() {
		return "unknown"
	}
	return fmt.Sprintf("%d:%d", *i.UID, *i.GID)
}

// TargetIdentity returns the ids of container in pod: the kubelet's report in
// status.containerStatuses[].user.linux first (the real ids, image USER included), else the
// container's and the pod's securityContext when they set both runAsUser and runAsGroup
// (one alone leaves the other to the image, which the API cannot see).
func TargetIdentity(pod *corev1.Pod, container string) Identity {
	for _, cs := range pod.Status.ContainerStatuses {
		if cs.Name == container && cs.User != nil && cs.User.Linux != nil {
			uid, gid := cs.User.Linux.UID, cs.User.Linux.GID
			return Identity{UID: &uid, GID: &gid, Source: "status"}
		}
	}
	var uid, gid *int64
	if psc := pod.Spec.SecurityContext; psc != nil {
		uid, gid = psc.RunAsUser, psc.RunAsGroup
	}
	for _, c := range pod.Spec.Containers {
		if c.Name == container && c.SecurityContext != nil {
			if c.SecurityContext.RunAsUser != nil {
				uid = c.SecurityContext.RunAsUser
			}
			if c.SecurityContext.RunAsGroup != nil {
				gid = c.SecurityContext.RunAsGroup
			}
		}
	}
	if uid != nil && gid != nil {
		u, g := *uid, *gid
		return Identity{UID: &u, GID: &g, Source: "securityContext"}
	}
	return Identity{}
}
