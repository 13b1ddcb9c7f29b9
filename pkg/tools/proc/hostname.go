//go:build linux

package proc

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Hostname is hostname: print the host name (of the UTS namespace).
var Hostname = tools.Applet{Name: "hostname", Summary: "print the host name (of the UTS namespace)", Run: runHostname}

func runHostname(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("hostname", "")
	short, fqdn := fs.Bool('s', "short"), fs.Bool('f', "fqdn")
	fs.BoolFunc(0, "long", func() { *fqdn = true })
	domain := fs.Bool('d', "domain")
	addrs := fs.Bool('i', "ip-address")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "hostname [-s|-f|-d|-i]\nPrints the host name (-s short, -f canonical, -d its domain, -i its addresses);\nsetting it is not supported (a debugger only looks).")
	}
	if err != nil || len(ops) > 0 {
		env.Errorf("hostname", "setting the host name is not supported (%v)", err)
		return 2
	}
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		env.Errorf("hostname", "%v", err)
		return 1
	}
	name := utsString(u.Nodename)
	switch {
	case *addrs:
		// The addresses the name resolves to (net-tools: /etc/hosts, then DNS).
		ips, err := net.DefaultResolver.LookupIPAddr(ctx, name)
		if err != nil {
			env.Errorf("hostname", "Name or service not known")
			return 1
		}
		var out []string
		for _, ip := range ips {
			out = append(out, ip.String())
		}
		fmt.Fprintln(env.Stdout, strings.Join(out, " "))
		return 0
	case *fqdn || *domain:
		full := canonicalName(ctx, name)
		if *domain {
			// Debian's hostname prints nothing at all for a name without a domain.
			if _, d, ok := strings.Cut(full, "."); ok {
				fmt.Fprintln(env.Stdout, d)
			}
			return 0
		}
		fmt.Fprintln(env.Stdout, full)
		return 0
	}
	if *short {
		name, _, _ = strings.Cut(name, ".")
	}
	fmt.Fprintln(env.Stdout, name)
	return 0
}

// canonicalName is name's canonical name, as getaddrinfo's AI_CANONNAME gives it: the first
// name of its line in /etc/hosts, else what DNS says, else name itself.
func canonicalName(ctx context.Context, name string) string {
	if b, err := os.ReadFile("/etc/hosts"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			line, _, _ = strings.Cut(line, "#")
			f := strings.Fields(line)
			for _, n := range f[min(1, len(f)):] {
				if strings.EqualFold(n, name) {
					return f[1]
				}
			}
		}
	}
	if c, err := net.DefaultResolver.LookupCNAME(ctx, name); err == nil && c != "" {
		return strings.TrimSuffix(c, ".")
	}
	return name
}
