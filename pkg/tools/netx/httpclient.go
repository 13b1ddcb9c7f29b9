package netx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// caBundles are where distributions keep their CA bundle; /etc/ssl/certs/*.pem is read too.
var caBundles = []string{
	"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem",
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/ssl/cert.pem",
}

// caPool reads the CA certificates of the current root (not those the binary saw at
// start, which may be another root's). With cafile only that file is used. It returns nil
// and no error when the root has none: then every TLS verification fails, with a hint.
func caPool(cafile string) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if cafile != "" {
		b, err := os.ReadFile(cafile)
		if err != nil {
			return nil, fmt.Errorf("reading CA file: %w", err)
		}
		if !pool.AppendCertsFromPEM(b) {
			return nil, fmt.Errorf("no certificate in %s", cafile)
		}
		return pool, nil
	}
	found := false
	for _, f := range caBundles {
		if b, err := os.ReadFile(f); err == nil && pool.AppendCertsFromPEM(b) {
			found = true
			break
		}
	}
	if !found {
		files, _ := filepath.Glob("/etc/ssl/certs/*.pem")
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil && pool.AppendCertsFromPEM(b) {
				found = true
			}
		}
	}
	if !found {
		return nil, nil
	}
	return pool, nil
}

// httpOptions are the settings wget and curl share.
type httpOptions struct {
	insecure       bool
	cafile         string
	follow         bool
	maxRedirects   int
	timeout        time.Duration // whole transfer, 0 = none
	connectTimeout time.Duration
}

// timing records the phases of one request through httptrace.
type timing struct {
	start, dnsStart, dnsDone, connStart, connDone, tlsStart, tlsDone, firstByte time.Time
	remote                                                                      string
}

func (t *timing) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart:             func(httptrace.DNSStartInfo) { t.dnsStart = time.Now() },
		DNSDone:              func(httptrace.DNSDoneInfo) { t.dnsDone = time.Now() },
		ConnectStart:         func(string, string) { t.connStart = time.Now() },
		ConnectDone:          func(_, addr string, _ error) { t.connDone, t.remote = time.Now(), addr },
		TLSHandshakeStart:    func() { t.tlsStart = time.Now() },
		TLSHandshakeDone:     func(tls.ConnectionState, error) { t.tlsDone = time.Now() },
		GotFirstResponseByte: func() { t.firstByte = time.Now() },
		GotConn: func(i httptrace.GotConnInfo) {
			if t.remote == "" {
				t.remote = i.Conn.RemoteAddr().String()
			}
		},
	}
}

func since(a, b time.Time) time.Duration {
	if a.IsZero() || b.IsZero() {
		return 0
	}
	return b.Sub(a)
}

// line is the --timing summary: each phase's duration, and the total.
func (t *timing) line(end time.Time) string {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.3fms", float64(d.Microseconds())/1000) }
	return fmt.Sprintf("dns %s connect %s tls %s first-byte %s total %s",
		ms(since(t.dnsStart, t.dnsDone)), ms(since(t.connStart, t.connDone)), ms(since(t.tlsStart, t.tlsDone)),
		ms(since(t.start, t.firstByte)), ms(since(t.start, end)))
}

// newHTTPClient builds a client for env: proxies from env.Environ (never the process's),
// CAs from the current root.
func newHTTPClient(env *tools.Env, o httpOptions) (*http.Client, error) {
	tlsConf := &tls.Config{InsecureSkipVerify: o.insecure} //nolint:gosec // -k/--insecure asks for it
	if !o.insecure {
		pool, err := caPool(o.cafile)
		if err != nil {
			return nil, err
		}
		if pool == nil {
			pool = x509.NewCertPool()
		}
		tlsConf.RootCAs = pool
	}
	pc := proxyConfig{
		httpProxy:  firstEnv(env, "http_proxy", "HTTP_PROXY"),
		httpsProxy: firstEnv(env, "https_proxy", "HTTPS_PROXY"),
		noProxy:    firstEnv(env, "no_proxy", "NO_PROXY"),
	}
	connectTimeout := o.connectTimeout
	if connectTimeout == 0 {
		connectTimeout = 30 * time.Second
	}
	tr := &http.Transport{
		Proxy:               func(r *http.Request) (*url.URL, error) { return pc.proxyFor(r.URL) },
		DialContext:         (&net.Dialer{Timeout: connectTimeout}).DialContext,
		TLSClientConfig:     tlsConf,
		TLSHandshakeTimeout: connectTimeout,
		DisableCompression:  true,
	}
	c := &http.Client{Transport: tr, Timeout: o.timeout}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !o.follow {
			return http.ErrUseLastResponse
		}
		if len(via) > o.maxRedirects {
			return fmt.Errorf("maximum (%d) redirects followed", o.maxRedirects)
		}
		return nil
	}
	return c, nil
}

func firstEnv(env *tools.Env, keys ...string) string {
	for _, k := range keys {
		if v, ok := env.LookupEnv(k); ok {
			return v
		}
	}
	return ""
}

// errorKind classifies a transfer error for curl's and wget's exit codes and messages.
type errorKind int

const (
	errOther errorKind = iota
	errResolve
	errConnect
	errTimeout
	errTLS
	errCert
)

func classify(err error) errorKind {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var opErr *net.OpError
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return errCert
	case errors.As(err, &dnsErr):
		return errResolve
	case errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err):
		return errTimeout
	case errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		return errConnect
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return errConnect
	case strings.Contains(err.Error(), "tls:"):
		return errTLS
	}
	return errOther
}

// normalizeURL adds http:// to a bare host, as curl and wget do.
func normalizeURL(s string) (*url.URL, error) {
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("malformed URL %q", s)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("protocol %q not supported", u.Scheme)
	}
	return u, nil
}

// remoteName is the file name -O / wget save to: the last path element, or index.html.
func remoteName(u *url.URL) string {
	name := filepath.Base(u.Path)
	if name == "/" || name == "." || name == "" || strings.HasSuffix(u.Path, "/") {
		return "index.html"
	}
	return name
}
