//go:build linux

package proc

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/signals"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Setpriv is setpriv: run a command with other credentials, capabilities or no_new_privs,
// or show this process's (-d), as util-linux's.
//
//	setpriv [-d] [--reuid U] [--regid G] [--clear-groups|--keep-groups|--init-groups|--groups G,...]
//	        [--inh-caps +cap,-cap,...] [--ambient-caps ...] [--nnp] COMMAND [ARG]...
var Setpriv = tools.Applet{Name: "setpriv", Summary: "run a command with other uid, gid, groups, capabilities, no_new_privs", Run: runSetpriv}

func runSetpriv(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("setpriv", "")
	fs.StopAtOperand = true
	dump := fs.Count('d', "dump")
	nnp := fs.Bool(0, "no-new-privs")
	nnp2 := fs.Bool(0, "nnp")
	reuid, ruidSet := fs.StringSet(0, "reuid", "")
	regid, rgidSet := fs.StringSet(0, "regid", "")
	clearGroups := fs.Bool(0, "clear-groups")
	keepGroups := fs.Bool(0, "keep-groups")
	initGroups := fs.Bool(0, "init-groups")
	groups, groupsSet := fs.StringSet(0, "groups", "")
	inhCaps := fs.String(0, "inh-caps", "")
	ambCaps := fs.String(0, "ambient-caps", "")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "setpriv [-d] [--reuid USER] [--regid GROUP] [--clear-groups | --keep-groups | --init-groups | --groups G,...]\n"+
			"               [--inh-caps +CAP,-CAP,-all...] [--ambient-caps ...] [--nnp] COMMAND [ARG]...\n"+
			"Runs COMMAND with those credentials, capabilities and no_new_privs; -d prints this process's.")
	}
	if err == nil && *dump == 0 && len(ops) == 0 {
		err = fmt.Errorf("no program specified")
	}
	if err != nil {
		env.Errorf("setpriv", "%v (setpriv --help)", err)
		return 127
	}
	if *dump > 0 {
		if len(ops) > 0 {
			env.Errorf("setpriv", "--dump is incompatible with all other options")
			return 127
		}
		dumpPrivileges(env.Stdout, *dump)
		return 0
	}
	nGroupOpts := 0
	for _, b := range []bool{*clearGroups, *keepGroups, *initGroups, *groupsSet} {
		if b {
			nGroupOpts++
		}
	}
	if nGroupOpts > 1 {
		env.Errorf("setpriv", "at most one of --clear-groups, --keep-groups, --init-groups and --groups may be given")
		return 127
	}
	if groups, _ := unix.Getgroups(); (*ruidSet || *rgidSet) && nGroupOpts == 0 && len(groups) > 0 {
		env.Errorf("setpriv", "--reuid and --regid need --clear-groups, --keep-groups, --init-groups or --groups")
		return 127
	}
	db := userdb.Load("/")
	cred := &syscall.Credential{Uid: uint32(os.Getuid()), Gid: uint32(os.Getgid()), NoSetGroups: true}
	userName := ""
	if *ruidSet {
		u, ok := db.LookupUser(*reuid)
		if !ok {
			env.Errorf("setpriv", "unknown user: %s", *reuid)
			return 127
		}
		cred.Uid, userName = uint32(u.UID), u.Name
		if !*rgidSet && *initGroups {
			cred.Gid = uint32(u.GID)
		}
	}
	if *rgidSet {
		g, ok := db.LookupGroup(*regid)
		if !ok {
			env.Errorf("setpriv", "unknown group: %s", *regid)
			return 127
		}
		cred.Gid = uint32(g)
	}
	switch {
	case *clearGroups:
		cred.NoSetGroups, cred.Groups = false, []uint32{}
	case *initGroups:
		if userName == "" {
			env.Errorf("setpriv", "--init-groups needs --reuid with a user name")
			return 127
		}
		cred.NoSetGroups, cred.Groups = false, []uint32{cred.Gid}
		for _, g := range db.SupplementaryGroups(userName) {
			cred.Groups = append(cred.Groups, uint32(g))
		}
	case *groupsSet:
		cred.NoSetGroups, cred.Groups = false, []uint32{}
		for _, name := range strings.Split(*groups, ",") {
			g, ok := db.LookupGroup(name)
			if !ok {
				env.Errorf("setpriv", "unknown group: %s", name)
				return 127
			}
			cred.Groups = append(cred.Groups, uint32(g))
		}
	}
	attr := &syscall.SysProcAttr{}
	if *ruidSet || *rgidSet || !cred.NoSetGroups {
		attr.Credential = cred
	}
	var inh, amb []int
	if *inhCaps != "" {
		if inh, err = parseCapChanges(*inhCaps, inheritableCaps()); err != nil {
			env.Errorf("setpriv", "%v", err)
			return 127
		}
	}
	if *ambCaps != "" {
		if amb, err = parseCapChanges(*ambCaps, nil); err != nil {
			env.Errorf("setpriv", "%v", err)
			return 127
		}
		for _, c := range amb {
			attr.AmbientCaps = append(attr.AmbientCaps, uintptr(c))
		}
	}
	cmd, status := commandProcess(env, ops)
	if cmd == nil {
		return status
	}
	cmd.SysProcAttr = attr
	err = startOnThread(cmd, func() error {
		if *inhCaps != "" || *ambCaps != "" {
			if err := setInheritable(append(inh, amb...)); err != nil {
				return err
			}
		}
		if *nnp || *nnp2 {
			if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
				return fmt.Errorf("disallow granting new privileges failed: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		env.Errorf("setpriv", "%v", err)
		return 127
	}
	return waitStatus(ctx, env, cmd)
}

// capByName finds a capability by name, with or without cap_, in any case.
func capByName(s string) (int, bool) {
	s = strings.ToLower(s)
	if !strings.HasPrefix(s, "cap_") {
		s = "cap_" + s
	}
	for i, n := range capNames {
		if n == s {
			return i, true
		}
	}
	return 0, false
}

// parseCapChanges applies "+cap,-cap,+all,-all" to the set start and returns the result.
func parseCapChanges(spec string, start []int) ([]int, error) {
	set := map[int]bool{}
	for _, c := range start {
		set[c] = true
	}
	for _, item := range strings.Split(spec, ",") {
		if len(item) < 2 || item[0] != '+' && item[0] != '-' {
			return nil, fmt.Errorf("bad capability string %q: each is +CAP or -CAP", item)
		}
		on := item[0] == '+'
		if item[1:] == "all" {
			for i := range capNames {
				set[i] = on
			}
			continue
		}
		c, ok := capByName(item[1:])
		if !ok {
			return nil, fmt.Errorf("unknown capability %q", item[1:])
		}
		set[c] = on
	}
	var out []int
	for i := range capNames {
		if set[i] {
			out = append(out, i)
		}
	}
	return out, nil
}

func capData() (unix.CapUserHeader, [2]unix.CapUserData, error) {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	err := unix.Capget(&hdr, &data[0])
	return hdr, data, err
}

func inheritableCaps() []int {
	_, d, err := capData()
	if err != nil {
		return nil
	}
	var out []int
	for i := range capNames {
		if d[i/32].Inheritable&(1<<(i%32)) != 0 {
			out = append(out, i)
		}
	}
	return out
}

// setInheritable makes caps the calling thread's inheritable set.
func setInheritable(caps []int) error {
	hdr, d, err := capData()
	if err != nil {
		return err
	}
	d[0].Inheritable, d[1].Inheritable = 0, 0
	for _, c := range caps {
		d[c/32].Inheritable |= 1 << (c % 32)
	}
	if err := unix.Capset(&hdr, &d[0]); err != nil {
		return fmt.Errorf("setting the inheritable capabilities: %w", err)
	}
	return nil
}

// dumpPrivileges prints what util-linux's setpriv -d prints (-dd adds the effective and
// permitted sets, -ddd the saved ids).
func dumpPrivileges(w io.Writer, level int) {
	ruid, euid, suid := unix.Getresuid()
	rgid, egid, sgid := unix.Getresgid()
	fmt.Fprintf(w, "uid: %d\neuid: %d\n", ruid, euid)
	if level >= 3 {
		fmt.Fprintf(w, "suid: %d\n", suid)
	}
	fmt.Fprintf(w, "gid: %d\negid: %d\n", rgid, egid)
	if level >= 3 {
		fmt.Fprintf(w, "sgid: %d\n", sgid)
	}
	groups, _ := unix.Getgroups()
	gs := make([]string, len(groups))
	for i, g := range groups {
		gs[i] = strconv.Itoa(g)
	}
	fmt.Fprintf(w, "Supplementary groups: %s\n", orNone(strings.Join(gs, ",")))
	if nnp, err := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0); err == nil {
		fmt.Fprintf(w, "no_new_privs: %d\n", nnp)
	}
	_, d, _ := capData()
	last := len(capNames) - 1
	if b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			last = n
		}
	}
	names := func(has func(c int) bool) string {
		var out []string
		for c := 0; c <= last; c++ {
			if has(c) {
				if c < len(capNames) {
					out = append(out, strings.TrimPrefix(capNames[c], "cap_"))
				} else {
					out = append(out, "cap_"+strconv.Itoa(c))
				}
			}
		}
		return orNone(strings.Join(out, ","))
	}
	if level >= 2 {
		fmt.Fprintf(w, "Effective capabilities: %s\n", names(func(c int) bool { return d[c/32].Effective&(1<<(c%32)) != 0 }))
		fmt.Fprintf(w, "Permitted capabilities: %s\n", names(func(c int) bool { return d[c/32].Permitted&(1<<(c%32)) != 0 }))
	}
	fmt.Fprintf(w, "Inheritable capabilities: %s\n", names(func(c int) bool { return d[c/32].Inheritable&(1<<(c%32)) != 0 }))
	fmt.Fprintf(w, "Ambient capabilities: %s\n", names(func(c int) bool {
		r, err := unix.PrctlRetInt(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_IS_SET, uintptr(c), 0, 0)
		return err == nil && r == 1
	}))
	fmt.Fprintf(w, "Capability bounding set: %s\n", names(func(c int) bool {
		r, err := unix.PrctlRetInt(unix.PR_CAPBSET_READ, uintptr(c), 0, 0, 0)
		return err == nil && r == 1
	}))
	bits, _ := unix.PrctlRetInt(unix.PR_GET_SECUREBITS, 0, 0, 0, 0)
	var sb []string
	for i, n := range []string{"noroot", "noroot_locked", "no_setuid_fixup", "no_setuid_fixup_locked", "keep_caps", "keep_caps_locked"} {
		if bits&(1<<i) != 0 {
			sb = append(sb, n)
		}
	}
	fmt.Fprintf(w, "Securebits: %s\n", orNone(strings.Join(sb, ",")))
	var sig int
	_ = unix.Prctl(unix.PR_GET_PDEATHSIG, uintptr(unsafe.Pointer(&sig)), 0, 0, 0)
	pd := "[none]"
	if sig != 0 {
		pd = "SIG" + signals.Name(syscall.Signal(sig))
	}
	fmt.Fprintf(w, "Parent death signal: %s\n", pd)
	if _, err := os.Stat("/sys/kernel/security/apparmor"); err == nil {
		label, _ := os.ReadFile("/proc/self/attr/current")
		fmt.Fprintf(w, "AppArmor profile: %s\n", strings.TrimSpace(string(label)))
	}
}

func orNone(s string) string {
	if s == "" {
		return "[none]"
	}
	return s
}
