// Package netx holds the network applets: ss, netstat, lsof, ip (read-only), nslookup,
// dig, curl, wget and nc. They work in the network namespace of the process that runs
// them: sockets come from sock_diag (falling back to /proc/net), interfaces and routes
// from rtnetlink, resolver settings and CA certificates from the current root's /etc.
package netx
