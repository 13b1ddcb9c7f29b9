package netx

import (
	"net"
	"net/url"
	"strings"
)

// proxyConfig picks a proxy the way curl and Go's httpproxy do: http_proxy for http,
// https_proxy for https, never for localhost or loopback, and never for a host NO_PROXY
// names ("*", a domain and its subdomains, ".domain" for subdomains only, an IP, a CIDR,
// each optionally with :port). It is written here instead of importing
// golang.org/x/net/http/httpproxy, which links IDNA and Unicode normalisation tables into
// the toolbox (about 300 KB) for host names a debugger never needs to fold.
type proxyConfig struct {
	httpProxy, httpsProxy, noProxy string
}

func (c proxyConfig) proxyFor(u *url.URL) (*url.URL, error) {
	raw := c.httpProxy
	if u.Scheme == "https" {
		raw = c.httpsProxy
	}
	if raw == "" || !c.useProxy(u) {
		return nil, nil
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	return url.Parse(raw)
}

func (c proxyConfig) useProxy(u *url.URL) bool {
	host, port := u.Hostname(), u.Port()
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	if ip != nil && ip.IsLoopback() {
		return false
	}
	for _, entry := range strings.Split(c.noProxy, ",") {
		entry = strings.ToLower(strings.TrimSpace(entry))
		if entry == "" {
			continue
		}
		if entry == "*" {
			return false
		}
		if _, cidr, err := net.ParseCIDR(entry); err == nil {
			if ip != nil && cidr.Contains(ip) {
				return false
			}
			continue
		}
		ehost, eport := entry, ""
		if h, p, err := net.SplitHostPort(entry); err == nil {
			ehost, eport = h, p
		}
		if eport != "" && eport != port {
			continue
		}
		if eip := net.ParseIP(ehost); eip != nil {
			if ip != nil && eip.Equal(ip) {
				return false
			}
			continue
		}
		h := strings.ToLower(host)
		switch {
		case strings.HasPrefix(ehost, "."):
			if strings.HasSuffix(h, ehost) {
				return false
			}
		case h == ehost || strings.HasSuffix(h, "."+ehost):
			return false
		}
	}
	return true
}
