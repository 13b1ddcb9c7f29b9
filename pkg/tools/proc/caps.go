//go:build linux

package proc

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"
)

// Caps is caps: decode the capabilities, no_new_privs and seccomp mode of a process.
var Caps = tools.Applet{Name: "caps", Summary: "decode the capabilities, no_new_privs and seccomp mode of a process", Run: runCaps}

// capNames are the capabilities by bit number (linux/capability.h).
var capNames = []string{
	"cap_chown", "cap_dac_override", "cap_dac_read_search", "cap_fowner", "cap_fsetid", "cap_kill",
	"cap_setgid", "cap_setuid", "cap_setpcap", "cap_linux_immutable", "cap_net_bind_service",
	"cap_net_broadcast", "cap_net_admin", "cap_net_raw", "cap_ipc_lock", "cap_ipc_owner",
	"cap_sys_module", "cap_sys_rawio", "cap_sys_chroot", "cap_sys_ptrace", "cap_sys_pacct",
	"cap_sys_admin", "cap_sys_boot", "cap_sys_nice", "cap_sys_resource", "cap_sys_time",
	"cap_sys_tty_config", "cap_mknod", "cap_lease", "cap_audit_write", "cap_audit_control",
	"cap_setfcap", "cap_mac_override", "cap_mac_admin", "cap_syslog", "cap_wake_alarm",
	"cap_block_suspend", "cap_audit_read", "cap_perfmon", "cap_bpf", "cap_checkpoint_restore",
}

// decodeCaps names the bits of a capability mask; unknown bits print as cap_N.
func decodeCaps(mask uint64) []string {
	var out []string
	for i := 0; i < 64; i++ {
		if mask&(1<<i) == 0 {
			continue
		}
		if i < len(capNames) {
			out = append(out, capNames[i])
		} else {
			out = append(out, "cap_"+strconv.Itoa(i))
		}
	}
	return out
}

var seccompModes = sync.OnceValue(func() map[string]string {
	return map[string]string{"0": "disabled", "1": "strict", "2": "filter"}
})

func runCaps(_ context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) || len(args) > 2 {
		return tools.Usage(env, "caps [PID]\nDecodes CapInh/CapPrm/CapEff/CapBnd/CapAmb of PID (default: this process) into names, with NoNewPrivs and the seccomp mode.")
	}
	pid, ok := pidArg(env, args)
	if !ok {
		return 2
	}
	st, err := procfile.Default.ReadStatus(pid)
	if err == nil {
		fmt.Fprint(env.Stdout, formatCaps(pid, st))
		nnp, sc := orUnknown(st.NoNewPrivs), orUnknown(st.Seccomp)
		if m, ok := seccompModes()[sc]; ok {
			sc += " (" + m + ")"
		}
		fmt.Fprintf(env.Stdout, "NoNewPrivs: %s\nSeccomp:    %s\n", nnp, sc)
		return 0
	}
	env.Errorf("caps", "reading status of pid %d: %v", pid, err)
	return 1
}

// orUnknown is a status value as caps prints it: "?" where the kernel has no such line.
func orUnknown(v string) string {
	if v == "" {
		return "?"
	}
	return v
}

func formatCaps(pid int, st procfile.Status) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pid %d (%s)\n", pid, st.Name)
	for _, c := range []struct {
		name string
		mask uint64
	}{{"CapInh", st.CapInh}, {"CapPrm", st.CapPrm}, {"CapEff", st.CapEff}, {"CapBnd", st.CapBnd}, {"CapAmb", st.CapAmb}} {
		fmt.Fprintf(&b, "%s:     %016x %s\n", c.name, c.mask, describeCaps(c.mask))
	}
	return b.String()
}

// describeCaps is "(none)", "(all)", "all except a,b" when most are set, or the list.
func describeCaps(mask uint64) string {
	all := uint64(1)<<len(capNames) - 1
	d := decodeCaps(mask)
	switch {
	case len(d) == 0:
		return "(none)"
	case mask&all == all:
		if extra := decodeCaps(mask &^ all); len(extra) > 0 {
			return "(all)," + strings.Join(extra, ",")
		}
		return "(all)"
	case len(d) > len(capNames)/2 && mask&^all == 0:
		return "(all) except " + strings.Join(decodeCaps(all&^mask), ",")
	}
	return strings.Join(d, ",")
}

// pidArg is the optional PID operand of caps and cgroup (args[1]), this process's without
// one; it reports a usage error itself.
func pidArg(env *tools.Env, args []string) (int, bool) {
	if len(args) < 2 {
		return os.Getpid(), true
	}
	n, err := strconv.Atoi(args[1])
	if err != nil {
		env.Errorf(args[0], "%q is not a pid", args[1])
		return 0, false
	}
	return n, true
}
