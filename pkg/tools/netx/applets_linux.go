//go:build linux

package netx

import "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"

// Applets is every applet of the family, one line each, sorted by name: package all
// installs it, and a new applet (one file, named after it) adds its line here.
var Applets = []*tools.Applet{
	&Arp,
	&Curl,
	&Dig,
	&IP,
	&Ifconfig,
	&Lsof,
	&Nc,
	&Netstat,
	&Nslookup,
	&Ping,
	&Ss,
	&Sysctl,
	&Tcpdump,
	&Traceroute,
	&Wget,
}
