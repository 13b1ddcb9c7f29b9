package netx

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Curl is curl: transfer a URL (curl-lite: GET/HEAD/POST, -L, -k, -w, --timing).
var Curl = tools.Applet{Name: "curl", Summary: "transfer a URL (curl-lite: GET/HEAD/POST, -L, -k, -w, --timing)", Run: runCurl}

const curlUsage = `curl [options] URL
  -o FILE / -O        write the body to FILE / to the URL's file name (in the working directory)
  -H 'Name: value'    add a header (repeatable)      -A AGENT   User-Agent
  -X METHOD           request method                 -d DATA    send DATA (POST; @file reads a file)
  -I                  HEAD, print the headers        -i         print the headers before the body
  -L                  follow redirects               -k         do not verify TLS certificates
  -s / -S             silent / still show errors     -f         fail (exit 22) on HTTP >= 400
  -v                  show request and response headers, connection and a timing line
  -w FORMAT           print FORMAT after the transfer: %{http_code} %{time_total} %{time_namelookup}
                      %{time_connect} %{time_appconnect} %{time_starttransfer} %{size_download}
                      %{url_effective} %{content_type} %{remote_ip} %{num_redirects}
  --timing            print "dns connect tls first-byte total" to stderr
  -m SECONDS          maximum time for the transfer   --connect-timeout SECONDS
  -u USER:PASS        basic authentication            --cacert FILE   CA certificates to trust
  --max-redirs N      redirect limit (default 50)
CA certificates come from the root's /etc/ssl/certs when present.`

func runCurl(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("curl", "")
	output, remoteO := fs.String('o', "output", ""), fs.Bool('O', "remote-name")
	headers := fs.List('H', "header")
	head, include := fs.Bool('I', "head"), fs.Bool('i', "include")
	method := fs.String('X', "request", "")
	data := fs.List('d', "data")
	dataRaw := fs.List(0, "data-raw")
	insecure, follow := fs.Bool('k', "insecure"), fs.Bool('L', "location")
	silent, showErr, fail := fs.Bool('s', "silent"), fs.Bool('S', "show-error"), fs.Bool('f', "fail")
	verbose := fs.Bool('v', "verbose")
	writeOut := fs.String('w', "write-out", "")
	timingFlag := fs.Bool(0, "timing")
	maxTime, connTimeout := fs.String('m', "max-time", "0"), fs.String(0, "connect-timeout", "0")
	agent, user := fs.String('A', "user-agent", "curl/8 (ddebug)"), fs.String('u', "user", "")
	cacert := fs.String(0, "cacert", "")
	maxRedirs := fs.String(0, "max-redirs", "50")
	fs.Bool(0, "compressed")
	fs.Bool('#', "progress-bar")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, curlUsage)
	}
	if err != nil {
		env.Errorf("curl", "%v", err)
		return 2
	}
	if len(ops) != 1 {
		env.Errorf("curl", "need exactly one URL (curl --help)")
		return 2
	}
	errorf := func(code int, format string, a ...any) int {
		if !*silent || *showErr {
			fmt.Fprintf(env.Stderr, "curl: (%d) %s\n", code, fmt.Sprintf(format, a...))
		}
		return code
	}
	u, err := normalizeURL(ops[0])
	if err != nil {
		return errorf(3, "%v", err)
	}
	seconds := func(s string) time.Duration {
		f, _ := strconv.ParseFloat(s, 64)
		return time.Duration(f * float64(time.Second))
	}
	redirs, _ := strconv.Atoi(*maxRedirs)
	client, err := newHTTPClient(env, httpOptions{insecure: *insecure, cafile: *cacert, follow: *follow, maxRedirects: redirs,
		timeout: seconds(*maxTime), connectTimeout: seconds(*connTimeout)})
	if err != nil {
		return errorf(77, "%v", err)
	}
	var body io.Reader
	m := "GET"
	allData := append(append([]string{}, *data...), *dataRaw...)
	if len(allData) > 0 {
		var parts []string
		for i, d := range allData {
			if strings.HasPrefix(d, "@") && i < len(*data) {
				b, err := os.ReadFile(env.Abs(d[1:]))
				if err != nil {
					return errorf(26, "reading %s: %v", d[1:], err)
				}
				d = strings.TrimRight(string(b), "\r\n")
			}
			parts = append(parts, d)
		}
		body, m = strings.NewReader(strings.Join(parts, "&")), "POST"
	}
	if *head {
		m = "HEAD"
	}
	if *method != "" {
		m = *method
	}
	req, err := http.NewRequestWithContext(ctx, m, u.String(), body)
	if err != nil {
		return errorf(3, "%v", err)
	}
	req.Header.Set("User-Agent", *agent)
	req.Header.Set("Accept", "*/*")
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, h := range *headers {
		k, v, ok := strings.Cut(h, ":")
		if !ok {
			continue
		}
		if strings.EqualFold(strings.TrimSpace(k), "host") {
			req.Host = strings.TrimSpace(v)
			continue
		}
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	if *user != "" {
		name, pass, _ := strings.Cut(*user, ":")
		req.SetBasicAuth(name, pass)
	}
	t := &timing{start: time.Now()}
	redirects := 0
	req = req.WithContext(httptrace.WithClientTrace(ctx, t.trace()))
	inner := client.CheckRedirect
	client.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if err := inner(r, via); err != nil {
			return err
		}
		redirects++
		if *verbose {
			fmt.Fprintf(env.Stderr, "* Following redirect to %s\n", r.URL)
		}
		return nil
	}
	if *verbose {
		host := req.Host
		if host == "" {
			host = req.URL.Host
		}
		fmt.Fprintf(env.Stderr, "> %s %s HTTP/1.1\n> Host: %s\n", req.Method, req.URL.RequestURI(), host)
		for k, vs := range req.Header {
			for _, v := range vs {
				fmt.Fprintf(env.Stderr, "> %s: %s\n", k, v)
			}
		}
		fmt.Fprintln(env.Stderr, ">")
	}
	resp, err := client.Do(req)
	if err != nil {
		switch classify(err) {
		case errResolve:
			return errorf(6, "Could not resolve host: %s", u.Hostname())
		case errConnect:
			return errorf(7, "Failed to connect to %s port %s: %v", u.Hostname(), portOf(u.Port(), u.Scheme), err)
		case errTimeout:
			return errorf(28, "Operation timed out: %v", err)
		case errCert:
			return errorf(60, "SSL certificate problem: %v (is /etc/ssl/certs present in this root? -k skips the check)", err)
		case errTLS:
			return errorf(35, "SSL connect error: %v", err)
		}
		return errorf(56, "%v", err)
	}
	defer resp.Body.Close()
	if *verbose {
		fmt.Fprintf(env.Stderr, "* Connected to %s (%s)\n", u.Hostname(), t.remote)
		fmt.Fprintf(env.Stderr, "< %s %s\n", resp.Proto, resp.Status)
		writeHeaders(env.Stderr, resp.Header, "< ")
		fmt.Fprintln(env.Stderr, "<")
	}
	if *fail && resp.StatusCode >= 400 {
		io.Copy(io.Discard, resp.Body)
		return errorf(22, "The requested URL returned error: %d", resp.StatusCode)
	}
	out := env.Stdout
	if *remoteO && *output == "" {
		*output = remoteName(resp.Request.URL)
	}
	if *output != "" && *output != "-" {
		f, err := os.Create(env.Abs(*output))
		if err != nil {
			return errorf(23, "Failed writing body: %v", err)
		}
		defer f.Close()
		out = f
	}
	if *head || *include {
		fmt.Fprintf(out, "%s %s\r\n", resp.Proto, resp.Status)
		writeHeaders(out, resp.Header, "")
		fmt.Fprint(out, "\r\n")
	}
	n, err := io.Copy(out, resp.Body)
	end := time.Now()
	if err != nil {
		if ctx.Err() != nil {
			return errorf(28, "Operation aborted: %v", ctx.Err())
		}
		return errorf(56, "Failure when receiving data: %v", err)
	}
	if *verbose || *timingFlag {
		fmt.Fprintf(env.Stderr, "* timing: %s\n", t.line(end))
	}
	if *writeOut != "" {
		fmt.Fprint(env.Stdout, expandWriteOut(*writeOut, resp, t, end, n, redirects))
	}
	return 0
}

func portOf(port, scheme string) string {
	if port != "" {
		return port
	}
	if scheme == "https" {
		return "443"
	}
	return "80"
}

func writeHeaders(w io.Writer, h http.Header, prefix string) {
	for k, vs := range h {
		for _, v := range vs {
			fmt.Fprintf(w, "%s%s: %s\r\n", prefix, k, v)
		}
	}
}

// expandWriteOut fills curl's -w variables and \n, \t, \r escapes.
func expandWriteOut(f string, resp *http.Response, t *timing, end time.Time, size int64, redirects int) string {
	secs := func(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 6, 64) }
	host := t.remote
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = strings.Trim(host[:i], "[]")
	}
	vars := map[string]string{
		"http_code": fmt.Sprintf("%03d", resp.StatusCode), "response_code": fmt.Sprintf("%03d", resp.StatusCode),
		"time_total": secs(since(t.start, end)), "time_namelookup": secs(since(t.start, t.dnsDone)),
		"time_connect": secs(since(t.start, t.connDone)), "time_appconnect": secs(since(t.start, t.tlsDone)),
		"time_starttransfer": secs(since(t.start, t.firstByte)), "size_download": strconv.FormatInt(size, 10),
		"url_effective": resp.Request.URL.String(), "content_type": resp.Header.Get("Content-Type"),
		"remote_ip": host, "num_redirects": strconv.Itoa(redirects),
	}
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		switch {
		case strings.HasPrefix(f[i:], "%{"):
			end := strings.IndexByte(f[i:], '}')
			if end < 0 {
				b.WriteString(f[i:])
				return b.String()
			}
			b.WriteString(vars[f[i+2:i+end]])
			i += end
		case f[i] == '\\' && i+1 < len(f):
			switch f[i+1] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(f[i+1])
			}
			i++
		default:
			b.WriteByte(f[i])
		}
	}
	return b.String()
}
