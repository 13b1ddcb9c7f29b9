// Package netx holds the network applets: ss, netstat, lsof, ip (read-only), nslookup,
// dig, curl, wget, nc, ping and the rest of its Applets table. They work in the network
// namespace of the process that runs them: sockets come from sock_diag (falling back to
// /proc/net), interfaces and routes from rtnetlink, resolver settings and CA certificates
// from the current root's /etc; ping and traceroute speak ICMP through a raw or datagram
// socket (traceroute's UDP probes read their answers from the socket's error queue), and
// tcpdump captures with an AF_PACKET socket and a classic BPF filter of its own compiling.
package netx
