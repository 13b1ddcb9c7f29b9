package nsenter

import (
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// sessionCred is how the session's credentials are made: the bounding set and
// no_new_privs are set on the entering thread (the child inherits them), uid/gid/groups
// and ambient capabilities by the child between fork and exec.
type sessionCred struct {
	keepAll    bool   // --privileged: keep the caller's bounding set
	bounding   uint64 // capabilities left in the bounding set
	noNewPrivs bool
	// credential is uid and gid as the target's user namespace sees them, and the groups
	// as the host does (they are set before the session joins a user namespace).
	credential *syscall.Credential
	ambient    []uintptr
	userNS     bool // the session joins the target's user namespace
	// notes say how the identity was made (what the target's files gave), for -v.
	notes []string
}

// userNS is the user namespace of a target that has one of its own (rootless Podman, a
// userns-remapped Docker): the session joins it, between its fork and its exec, when the
// child is a single-threaded process (a Go program cannot join one; its fork can). Its ids
// are then those of the namespace: root means the container's root, never the host's.
type userNS struct {
	uids, gids idMap
}

func credentialsFor(id Identity, pid int, st procStatus, ns *userNS) (sessionCred, error) {
	if ns != nil {
		return ns.credentialsFor(id, pid, st)
	}
	c := sessionCred{bounding: st.CapBnd}
	switch id.Mode {
	case IdentityRoot:
	case IdentityPrivileged:
		c.keepAll = true
	case IdentityTarget:
		c.noNewPrivs = st.NoNewPrivs
		groups := st.Groups
		if groups == nil {
			groups = []uint32{}
		}
		c.credential = &syscall.Credential{Uid: st.UID, Gid: st.GID, Groups: groups}
		if st.UID != 0 {
			c.ambient = capList(st.CapEff & st.CapBnd)
		}
	case IdentityUser:
		gid, note := userGID(id, pid)
		c.notes = append(c.notes, note...)
		c.credential = &syscall.Credential{Uid: id.UID, Gid: gid, Groups: []uint32{}}
	default:
		return c, fmt.Errorf("unknown identity mode %d", id.Mode)
	}
	return c, nil
}

// credentialsFor is credentialsFor for a target in its own user namespace: every identity
// becomes ids of that namespace (the host's root is not mapped there, and must not be the
// session's), and capabilities are the namespace's, bounded by the target's bounding set.
func (ns *userNS) credentialsFor(id Identity, pid int, st procStatus) (sessionCred, error) {
	c := sessionCred{bounding: st.CapBnd, userNS: true}
	unmapped := func(what string, v uint32, m idMap) error {
		return fmt.Errorf("%w: %s %d is not mapped in the target's user namespace (it maps %s)", ErrUserNamespace, what, v, m)
	}
	root := func() error {
		if !ns.uids.mapped(0) || !ns.gids.mapped(0) {
			return fmt.Errorf("%w: its root is not mapped (uids %s): use --as-target or --user", ErrUserNamespace, ns.uids)
		}
		c.credential = &syscall.Credential{Uid: 0, Gid: 0, Groups: []uint32{}}
		return nil
	}
	switch id.Mode {
	case IdentityRoot:
		return c, root()
	case IdentityPrivileged:
		c.keepAll = true
		return c, root()
	case IdentityTarget:
		c.noNewPrivs = st.NoNewPrivs
		uid, ok := ns.uids.inside(st.UID)
		if !ok {
			return c, unmapped("the target's uid", st.UID, ns.uids)
		}
		gid, ok := ns.gids.inside(st.GID)
		if !ok {
			return c, unmapped("the target's gid", st.GID, ns.gids)
		}
		groups := st.Groups
		if groups == nil {
			groups = []uint32{}
		}
		c.credential = &syscall.Credential{Uid: uid, Gid: gid, Groups: groups}
		if uid != 0 {
			c.ambient = capList(st.CapEff & st.CapBnd)
		}
		return c, nil
	case IdentityUser:
		gid, note := userGID(id, pid)
		c.notes = append(c.notes, note...)
		if !ns.uids.mapped(id.UID) {
			return c, unmapped("uid", id.UID, ns.uids)
		}
		if !ns.gids.mapped(gid) {
			return c, unmapped("gid", gid, ns.gids)
		}
		c.credential = &syscall.Credential{Uid: id.UID, Gid: gid, Groups: []uint32{}}
		return c, nil
	}
	return c, fmt.Errorf("unknown identity mode %d", id.Mode)
}

// userGID is the gid of --user: the one given, else the uid's primary group in the
// target's /etc/passwd, else the uid; notes say which, and why.
func userGID(id Identity, pid int) (uint32, []string) {
	if id.HasGID {
		return id.GID, nil
	}
	g, ok, note := primaryGID(pid, id.UID)
	if ok {
		return g, []string{note}
	}
	return id.UID, []string{note + fmt.Sprintf(", so gid %d (the uid)", id.UID)}
}

// launchConfig carries the credentials to the launcher, which applies them.
func (c sessionCred) launchConfig(pid int, tty bool) launchConfig {
	lc := launchConfig{PID: pid, TTY: tty, KeepAll: c.keepAll, Bounding: c.bounding, NoNewPrivs: c.noNewPrivs, Ambient: c.ambient, UserNS: c.userNS}
	if cr := c.credential; cr != nil {
		lc.HasCred, lc.UID, lc.GID, lc.Groups = true, cr.Uid, cr.Gid, cr.Groups
	}
	return lc
}

func capList(set uint64) []uintptr {
	var out []uintptr
	for c := uintptr(0); c <= unix.CAP_LAST_CAP; c++ {
		if set&(1<<c) != 0 {
			out = append(out, c)
		}
	}
	return out
}

// threadCaps returns the calling thread's effective and permitted sets.
func threadCaps() (eff, prm uint64, err error) {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return 0, 0, err
	}
	eff = uint64(data[0].Effective) | uint64(data[1].Effective)<<32
	prm = uint64(data[0].Permitted) | uint64(data[1].Permitted)<<32
	return eff, prm, nil
}
