//go:build linux

package netx

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
)

// ssFilter is the subset of ss's filter language the applet understands:
//
//	state STATE...            (established, listening, connected, time-wait, ...)
//	sport|dport OP :PORT      OP is = == eq != ne < > <= >= lt gt le ge
//	src|dst ADDR[/LEN][:PORT]
//
// joined by "and" (the default) or "or", with an optional "not" before a condition.
type ssFilter struct {
	states map[string]bool
	conds  []ssCond
	or     bool
}

type ssCond struct {
	not   bool
	field string
	op    string
	port  uint64
	net   *net.IPNet
}

var ssStateNames = sync.OnceValue(func() map[string][]string {
	return map[string][]string{
		"established": {"ESTAB"}, "syn-sent": {"SYN-SENT"}, "syn-recv": {"SYN-RECV"}, "fin-wait-1": {"FIN-WAIT-1"},
		"fin-wait-2": {"FIN-WAIT-2"}, "time-wait": {"TIME-WAIT"}, "closed": {"UNCONN"}, "close-wait": {"CLOSE-WAIT"},
		"last-ack": {"LAST-ACK"}, "listening": {"LISTEN", "UNCONN"}, "listen": {"LISTEN"}, "closing": {"CLOSING"},
		"all":          {"ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING"},
		"connected":    {"ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "LAST-ACK", "CLOSING"},
		"synchronized": {"ESTAB", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "LAST-ACK", "CLOSING"},
		"bucket":       {"SYN-RECV", "TIME-WAIT"}, "big": {"ESTAB", "SYN-SENT", "FIN-WAIT-1", "FIN-WAIT-2", "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING"},
	}
})

func parseSSFilter(args []string) (*ssFilter, error) {
	if len(args) == 0 {
		return nil, nil
	}
	f := &ssFilter{}
	var tokens []string
	for _, a := range args {
		tokens = append(tokens, strings.Fields(strings.NewReplacer("(", " ", ")", " ").Replace(a))...)
	}
	not := false
	for i := 0; i < len(tokens); i++ {
		tok := strings.ToLower(tokens[i])
		next := func() (string, error) {
			if i+1 >= len(tokens) {
				return "", fmt.Errorf("filter: %q needs a value", tok)
			}
			i++
			return tokens[i], nil
		}
		switch tok {
		case "and", "&&":
		case "or", "||":
			f.or = true
		case "not", "!":
			not = true
		case "state", "exclude":
			v, err := next()
			if err != nil {
				return nil, err
			}
			names, ok := ssStateNames()[strings.ToLower(v)]
			if !ok {
				return nil, fmt.Errorf("filter: unknown state %q", v)
			}
			if f.states == nil {
				f.states = map[string]bool{}
			}
			for _, n := range names {
				f.states[n] = tok == "state"
			}
		case "sport", "dport", "src", "dst":
			c := ssCond{not: not, field: tok, op: "="}
			not = false
			v, err := next()
			if err != nil {
				return nil, err
			}
			switch v {
			case "=", "==", "eq", "!=", "ne", "<", ">", "<=", ">=", "lt", "gt", "le", "ge":
				c.op = map[string]string{"==": "=", "eq": "=", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">="}[v]
				if c.op == "" {
					c.op = v
				}
				if v, err = next(); err != nil {
					return nil, err
				}
			}
			if err := c.setValue(v); err != nil {
				return nil, err
			}
			f.conds = append(f.conds, c)
		default:
			return nil, fmt.Errorf("filter: unexpected %q (supported: state S, sport/dport OP :PORT, src/dst ADDR)", tokens[i])
		}
	}
	return f, nil
}

func (c *ssCond) setValue(v string) error {
	if c.field == "sport" || c.field == "dport" {
		p, err := strconv.ParseUint(strings.TrimPrefix(v, ":"), 10, 16)
		if err != nil {
			return fmt.Errorf("filter: bad port %q", v)
		}
		c.port = p
		return nil
	}
	host, port := v, ""
	if strings.HasPrefix(v, "[") {
		if i := strings.Index(v, "]"); i > 0 {
			host, port = v[1:i], strings.TrimPrefix(v[i+1:], ":")
		}
	} else if strings.Count(v, ":") == 1 {
		host, port, _ = strings.Cut(v, ":")
	}
	if port != "" && port != "*" {
		p, err := strconv.ParseUint(port, 10, 16)
		if err != nil {
			return fmt.Errorf("filter: bad port in %q", v)
		}
		c.port = p
	}
	if host == "" || host == "*" {
		return nil
	}
	if !strings.Contains(host, "/") {
		if strings.Contains(host, ":") {
			host += "/128"
		} else {
			host += "/32"
		}
	}
	_, n, err := net.ParseCIDR(host)
	if err != nil {
		return fmt.Errorf("filter: bad address %q", v)
	}
	c.net = n
	return nil
}

func (c ssCond) match(s socket) bool {
	var r bool
	switch c.field {
	case "sport", "dport":
		p := s.lport
		if c.field == "dport" {
			p = s.pport
		}
		switch c.op {
		case "=":
			r = p == c.port
		case "!=":
			r = p != c.port
		case "<":
			r = p < c.port
		case ">":
			r = p > c.port
		case "<=":
			r = p <= c.port
		case ">=":
			r = p >= c.port
		}
	default:
		ip, p := s.local, s.lport
		if c.field == "dst" {
			ip, p = s.peer, s.pport
		}
		r = (c.net == nil || (ip != nil && c.net.Contains(ip))) && (c.port == 0 || p == c.port)
	}
	return r != c.not
}

// match reports whether s passes the filter (a nil filter passes everything).
func (f *ssFilter) match(s socket) bool {
	if f == nil {
		return true
	}
	if f.states != nil {
		keep, listed := f.states[s.state]
		include := false
		for _, v := range f.states {
			include = include || v
		}
		if (include && !keep) || (listed && !keep) {
			return false
		}
	}
	if len(f.conds) == 0 {
		return true
	}
	for _, c := range f.conds {
		m := c.match(s)
		if f.or && m {
			return true
		}
		if !f.or && !m {
			return false
		}
	}
	return !f.or
}
