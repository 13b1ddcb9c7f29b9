package netx

import (
	"net/url"
	"testing"
)

func TestProxyFor(t *testing.T) {
	c := proxyConfig{httpProxy: "proxy:3128", httpsProxy: "https://sp:443", noProxy: "internal.corp, .svc, 10.0.0.0/8, 192.168.1.5, api.example:8443"}
	cases := map[string]string{
		"http://example.com/":       "http://proxy:3128",
		"https://example.com/":      "https://sp:443",
		"http://localhost:8080/":    "",
		"http://127.0.0.1/":         "",
		"http://[::1]/":             "",
		"http://internal.corp/":     "",
		"http://a.internal.corp/":   "",
		"http://notinternal.corp/":  "http://proxy:3128",
		"http://web.ns.svc/":        "",
		"http://svc/":               "http://proxy:3128",
		"http://10.1.2.3/":          "",
		"http://192.168.1.5/":       "",
		"http://192.168.1.6/":       "http://proxy:3128",
		"https://api.example:8443/": "",
		"https://api.example/":      "https://sp:443",
	}
	for in, want := range cases {
		u, _ := url.Parse(in)
		got, err := c.proxyFor(u)
		if err != nil {
			t.Fatal(err)
		}
		s := ""
		if got != nil {
			s = got.String()
		}
		if s != want {
			t.Errorf("proxyFor(%s) = %q, want %q", in, s, want)
		}
	}
	if got, _ := (proxyConfig{httpProxy: "p:1", noProxy: "*"}).proxyFor(&url.URL{Scheme: "http", Host: "x"}); got != nil {
		t.Errorf("NO_PROXY=* still proxies: %v", got)
	}
}
