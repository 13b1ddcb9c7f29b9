//go:build !linux

package netx

import "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"

// Applets is the family's applets that build on other systems than Linux (the others read
// Linux's /proc and netlink).
var Applets = []*tools.Applet{
	&Curl,
	&Dig,
	&Nc,
	&Nslookup,
	&Wget,
}
