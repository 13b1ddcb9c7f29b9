// Package netx holds the network applets (ss, ip, nslookup, wget, nc, lsof); they work in
// the network namespace of the process that runs them.
package netx
