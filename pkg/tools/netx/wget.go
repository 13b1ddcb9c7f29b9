package netx

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Wget is wget: download a URL (to a file, or -O - to stdout).
var Wget = tools.Applet{Name: "wget", Summary: "download a URL (to a file, or -O - to stdout)", Run: runWget}

const wgetUsage = `wget [-O FILE|-] [-q] [-S] [--spider] [-T SECONDS] [--no-check-certificate|--insecure]
     [--header='Name: value'] [-U AGENT] [--post-data=DATA] [--max-redirect=N] URL
Saves to the URL's file name (index.html for a directory) in the working directory.
Exit status: 4 network failure, 5 TLS verification, 8 error response from the server.`

func runWget(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("wget", "")
	output, quiet := fs.String('O', "output-document", ""), fs.Bool('q', "quiet")
	serverResponse, spider := fs.Bool('S', "server-response"), fs.Bool(0, "spider")
	timeout := fs.String('T', "timeout", "0")
	insecure := fs.Bool(0, "no-check-certificate")
	insecureAlias := fs.Bool(0, "insecure") // curl's spelling, for fingers used to it
	spanHosts := fs.Bool('H', "span-hosts")
	headers := fs.List(0, "header")
	agent := fs.String('U', "user-agent", "Wget/1.21 (ddebug)")
	postData := fs.String(0, "post-data", "")
	maxRedirect := fs.String(0, "max-redirect", "20")
	cacert := fs.String(0, "ca-certificate", "")
	fs.Bool('c', "continue")
	fs.Bool(0, "no-verbose")
	fs.Bool('n', "nv")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, wgetUsage)
	}
	if err == nil && *spanHosts {
		// -H is curl's header flag; wget's -H (span hosts, for recursion) is not supported.
		env.Errorf("wget", "-H is --span-hosts in wget, which is not supported: to send a header, use --header='Name: value'")
		return 2
	}
	if err != nil || len(ops) != 1 {
		env.Errorf("wget", "need exactly one URL (%v)", err)
		return 2
	}
	*insecure = *insecure || *insecureAlias
	logf := func(format string, a ...any) {
		if !*quiet {
			fmt.Fprintf(env.Stderr, format, a...)
		}
	}
	u, err := normalizeURL(ops[0])
	if err != nil {
		env.Errorf("wget", "%v", err)
		return 1
	}
	secs, _ := strconv.ParseFloat(*timeout, 64)
	redirs, _ := strconv.Atoi(*maxRedirect)
	client, err := newHTTPClient(env, httpOptions{insecure: *insecure, cafile: *cacert, follow: true, maxRedirects: redirs,
		timeout: time.Duration(secs * float64(time.Second)), connectTimeout: time.Duration(secs * float64(time.Second))})
	if err != nil {
		env.Errorf("wget", "%v", err)
		return 1
	}
	method := "GET"
	var body io.Reader
	if *postData != "" {
		method, body = "POST", strings.NewReader(*postData)
	}
	if *spider {
		method = "HEAD"
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		env.Errorf("wget", "%v", err)
		return 1
	}
	req.Header.Set("User-Agent", *agent)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, h := range *headers {
		if k, v, ok := strings.Cut(h, ":"); ok {
			req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	logf("Connecting to %s... ", u.Host)
	resp, err := client.Do(req)
	if err != nil {
		logf("failed.\n")
		switch classify(err) {
		case errCert:
			env.Errorf("wget", "cannot verify %s's certificate: %v (no CA certificates in /etc/ssl/certs? --no-check-certificate skips the check)", u.Hostname(), err)
			return 5
		case errResolve:
			env.Errorf("wget", "unable to resolve host address '%s'", u.Hostname())
			return 4
		}
		env.Errorf("wget", "%v", err)
		return 4
	}
	defer resp.Body.Close()
	logf("connected.\nHTTP request sent, awaiting response... %s\n", resp.Status)
	if *serverResponse {
		fmt.Fprintf(env.Stderr, "  %s %s\n", resp.Proto, resp.Status)
		writeHeaders(prefixWriter{env.Stderr}, resp.Header, "  ")
	}
	if resp.StatusCode >= 400 {
		env.Errorf("wget", "server returned error: %s", resp.Status)
		return 8
	}
	if *spider {
		logf("Remote file exists.\n")
		return 0
	}
	name := *output
	if name == "" {
		name = remoteName(resp.Request.URL)
	}
	var out io.Writer = env.Stdout
	if name != "-" {
		f, err := os.Create(env.Abs(name))
		if err != nil {
			env.Errorf("wget", "%v", err)
			return 3
		}
		defer f.Close()
		out = f
	}
	length := "unspecified"
	if resp.ContentLength >= 0 {
		length = strconv.FormatInt(resp.ContentLength, 10)
	}
	logf("Length: %s [%s]\nSaving to: '%s'\n", length, resp.Header.Get("Content-Type"), name)
	start := time.Now()
	n, err := io.Copy(out, resp.Body)
	if err != nil {
		env.Errorf("wget", "read error after %d bytes: %v", n, err)
		return 4
	}
	logf("\n'%s' saved [%d bytes in %.3fs]\n", name, n, time.Since(start).Seconds())
	return 0
}

// prefixWriter drops the CR of header lines written for the terminal.
type prefixWriter struct{ w io.Writer }

func (p prefixWriter) Write(b []byte) (int, error) {
	_, err := p.w.Write([]byte(strings.ReplaceAll(string(b), "\r\n", "\n")))
	return len(b), err
}
