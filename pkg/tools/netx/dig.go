package netx

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Dig is dig: query DNS the dig way (@server, type, +short, -x, +tcp).
var Dig = tools.Applet{Name: "dig", Summary: "query DNS the dig way (@server, type, +short, -x, +tcp)", Run: runDig}

const digUsage = `dig [@SERVER] [-p PORT] [-t TYPE] [-x ADDR] [+short] [+tcp] [+search] NAME [TYPE]
Queries the nameservers of the root's /etc/resolv.conf (or @SERVER) over UDP, TCP when
the answer is truncated.`

func runDig(ctx context.Context, env *tools.Env, args []string) int {
	var server, name, qtype string
	port, short, tcp, search := 53, false, false, false
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		next := func() string {
			if i+1 < len(rest) {
				i++
				return rest[i]
			}
			return ""
		}
		switch {
		case a == "--help" || a == "-h":
			return tools.Usage(env, digUsage)
		case strings.HasPrefix(a, "@"):
			server = a[1:]
		case a == "-p":
			p, err := strconv.Atoi(next())
			if err != nil {
				env.Errorf("dig", "bad port")
				return 1
			}
			port = p
		case a == "-t":
			qtype = strings.ToUpper(next())
		case a == "-x":
			ip := net.ParseIP(next())
			if ip == nil {
				env.Errorf("dig", "-x needs an address")
				return 1
			}
			name, qtype = reverseName(ip), "PTR"
		case a == "+short":
			short = true
		case a == "+tcp" || a == "+vc":
			tcp = true
		case a == "+search":
			search = true
		case strings.HasPrefix(a, "+"):
			// other query options are accepted and ignored
		default:
			if _, ok := dnsTypes()[strings.ToUpper(a)]; ok && name != "" {
				qtype = strings.ToUpper(a)
			} else {
				name = a
			}
		}
	}
	if name == "" {
		name = "."
	}
	if qtype == "" {
		qtype = "A"
	}
	t, ok := dnsTypes()[qtype]
	if !ok {
		env.Errorf("dig", "unsupported type %q", qtype)
		return 1
	}
	conf := loadResolvConf()
	if err := conf.useServer(ctx, server, port); err != nil {
		env.Errorf("dig", "%v", err)
		return 1
	}
	names := []string{strings.TrimSuffix(name, ".") + "."}
	if search {
		names = conf.candidates(name)
	}
	res, qname, err := resolve(ctx, conf, names, t, tcp)
	if err != nil {
		fmt.Fprintf(env.Stdout, ";; communications error: %v\n", err)
		return 9
	}
	w := env.Stdout
	if short {
		for _, r := range res.msg.Answers {
			fmt.Fprintln(w, rdata(r))
		}
		return 0
	}
	h := res.msg.Header
	fmt.Fprintf(w, "\n; <<>> ddebug dig <<>> %s %s\n", strings.TrimSuffix(qname, "."), qtype)
	fmt.Fprintf(w, ";; ->>HEADER<<- opcode: QUERY, status: %s, id: %d\n", rcodeName(h.RCode), h.ID)
	var flags []string
	for _, f := range []struct {
		on   bool
		name string
	}{{h.Response, "qr"}, {h.Authoritative, "aa"}, {h.Truncated, "tc"}, {h.RecursionDesired, "rd"}, {h.RecursionAvailable, "ra"}} {
		if f.on {
			flags = append(flags, f.name)
		}
	}
	fmt.Fprintf(w, ";; flags: %s; QUERY: %d, ANSWER: %d, AUTHORITY: %d, ADDITIONAL: %d\n\n",
		strings.Join(flags, " "), len(res.msg.Questions), len(res.msg.Answers), len(res.msg.Authorities), len(res.msg.Additionals))
	fmt.Fprintln(w, ";; QUESTION SECTION:")
	for _, q := range res.msg.Questions {
		fmt.Fprintf(w, ";%s\t\t\tIN\t%s\n", q.Name, typeName(q.Type))
	}
	for _, sec := range []struct {
		title string
		rrs   []dnsmessage.Resource
	}{{"ANSWER", res.msg.Answers}, {"AUTHORITY", res.msg.Authorities}, {"ADDITIONAL", res.msg.Additionals}} {
		if len(sec.rrs) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n;; %s SECTION:\n", sec.title)
		for _, r := range sec.rrs {
			if r.Header.Type == dnsmessage.TypeOPT {
				continue
			}
			fmt.Fprintf(w, "%s\t\t%d\tIN\t%s\t%s\n", r.Header.Name, r.Header.TTL, typeName(r.Header.Type), rdata(r))
		}
	}
	proto := "UDP"
	if res.tcp {
		proto = "TCP"
	}
	hst, sport, _ := net.SplitHostPort(res.server)
	fmt.Fprintf(w, "\n;; Query time: %d msec\n;; SERVER: %s#%s(%s) (%s)\n\n", res.duration.Milliseconds(),
		hst, sport, hst, proto)
	return 0
}
