package netx

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Nslookup is nslookup: query DNS servers (nameservers of the root's /etc/resolv.conf).
var Nslookup = tools.Applet{Name: "nslookup", Summary: "query DNS servers (nameservers of the root's /etc/resolv.conf)", Run: runNslookup}

const nslookupUsage = `nslookup [-type=A|AAAA|CNAME|MX|TXT|SRV|PTR|NS|SOA] [-port=N] [-timeout=S] [-vc] NAME [SERVER]
Uses nameserver, search and ndots from the root's /etc/resolv.conf; SERVER overrides the
nameservers. An address as NAME asks for its PTR record. UDP, TCP when truncated (-vc: TCP).`

func runNslookup(ctx context.Context, env *tools.Env, args []string) int {
	qtype, port, timeout, tcp := "", 53, 0, false
	var ops []string
	for _, a := range args[1:] {
		switch {
		case a == "--help" || a == "-h":
			return tools.Usage(env, nslookupUsage)
		case strings.HasPrefix(a, "-type=") || strings.HasPrefix(a, "-query=") || strings.HasPrefix(a, "-q=") || strings.HasPrefix(a, "-t="):
			_, qtype, _ = strings.Cut(a, "=")
			qtype = strings.ToUpper(qtype)
		case strings.HasPrefix(a, "-port="):
			p, err := strconv.Atoi(strings.TrimPrefix(a, "-port="))
			if err != nil {
				env.Errorf("nslookup", "bad port %q", a)
				return 2
			}
			port = p
		case strings.HasPrefix(a, "-timeout="):
			timeout, _ = strconv.Atoi(strings.TrimPrefix(a, "-timeout="))
		case a == "-vc":
			tcp = true
		case strings.HasPrefix(a, "-") && len(a) > 1:
			// other bind options are accepted and ignored
		default:
			ops = append(ops, a)
		}
	}
	if len(ops) == 0 || len(ops) > 2 {
		tools.Usage(env, nslookupUsage)
		return 2
	}
	conf := loadResolvConf()
	if timeout > 0 {
		conf.timeout = time.Duration(timeout) * time.Second
	}
	server := ""
	if len(ops) == 2 {
		server = ops[1]
	}
	if err := conf.useServer(ctx, server, port); err != nil {
		env.Errorf("nslookup", "%v", err)
		return 1
	}
	name := ops[0]
	names := conf.candidates(name)
	var types []dnsmessage.Type
	switch {
	case net.ParseIP(name) != nil && (qtype == "" || qtype == "PTR"):
		names, types = []string{reverseName(net.ParseIP(name))}, []dnsmessage.Type{dnsmessage.TypePTR}
	case qtype == "":
		types = []dnsmessage.Type{dnsmessage.TypeA, dnsmessage.TypeAAAA}
	default:
		t, ok := dnsTypes()[qtype]
		if !ok {
			env.Errorf("nslookup", "unsupported query type %q", qtype)
			return 2
		}
		types = []dnsmessage.Type{t}
	}
	status := 0
	printedHeader, answered := false, false
	var b strings.Builder
	for _, t := range types {
		res, qname, err := resolve(ctx, conf, names, t, tcp)
		if err != nil {
			fmt.Fprintf(env.Stdout, ";; connection timed out; no servers could be reached\n")
			env.Errorf("nslookup", "%v", err)
			return 1
		}
		if !printedHeader {
			h, p, _ := net.SplitHostPort(res.server)
			fmt.Fprintf(env.Stdout, "Server:\t\t%s\nAddress:\t%s#%s\n\n", h, h, p)
			printedHeader = true
		}
		switch {
		case res.msg.RCode == dnsmessage.RCodeNameError:
			if !answered {
				fmt.Fprintf(&b, "** server can't find %s: NXDOMAIN\n", strings.TrimSuffix(qname, "."))
				status = 1
			}
			answered = true
		case res.msg.RCode != dnsmessage.RCodeSuccess:
			fmt.Fprintf(&b, "** server can't find %s: %s\n", strings.TrimSuffix(qname, "."), rcodeName(res.msg.RCode))
			status = 1
		default:
			if len(res.msg.Answers) > 0 && !answered && !res.msg.Authoritative {
				b.WriteString("Non-authoritative answer:\n")
			}
			if len(res.msg.Answers) > 0 {
				answered = true
			}
			for _, r := range res.msg.Answers {
				b.WriteString(nslookupLine(r) + "\n")
			}
		}
	}
	if !answered && status == 0 {
		fmt.Fprintf(&b, "*** Can't find %s: No answer\n", name)
	}
	fmt.Fprint(env.Stdout, b.String()+"\n")
	return status
}
