package netx

import (
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/hello.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Test", "yes")
		fmt.Fprint(w, "hello\n")
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %s %s", r.Method, r.Header.Get("X-A"), r.Header.Get("Content-Type"), b)
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/hello.txt", http.StatusFound) })
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "nope", http.StatusNotFound) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html>index</html>") })
	return mux
}

// runDir runs an applet with a given working directory.
func runDir(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	out, errb, code := "", "", 0
	a, _ := lookup(t, args[0])
	var o, e strings.Builder
	code = a(t, dir, &o, &e, args)
	out, errb = o.String(), e.String()
	return out, errb, code
}

func TestCurl(t *testing.T) {
	srv := httptest.NewServer(testHandler())
	t.Cleanup(srv.Close)
	tests := []struct {
		name   string
		args   []string
		stdout string
		code   int
	}{
		{"get", []string{srv.URL + "/hello.txt"}, "hello\n", 0},
		{"write-out", []string{"-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download}\\n", srv.URL + "/hello.txt"}, "200 6\n", 0},
		{"no follow", []string{"-s", "-w", "%{http_code}", "-o", "/dev/null", srv.URL + "/redirect"}, "302", 0},
		{"follow", []string{"-sL", srv.URL + "/redirect"}, "hello\n", 0},
		{"post", []string{"-s", "-H", "X-A: b", "-d", "x=1", "-d", "y=2", srv.URL + "/echo"}, "POST b application/x-www-form-urlencoded x=1&y=2", 0},
		{"method", []string{"-s", "-X", "PUT", srv.URL + "/echo"}, "PUT   ", 0},
		{"fail", []string{"-sf", srv.URL + "/missing"}, "", 22},
		{"no fail", []string{"-s", srv.URL + "/missing"}, "nope\n", 0},
	}
	for _, tt := range tests {
		out, stderr, code := run(t, append([]string{"curl"}, tt.args...)...)
		if code != tt.code || out != tt.stdout {
			t.Errorf("%s: curl %v = %d %q (stderr %q), want %d %q", tt.name, tt.args, code, out, stderr, tt.code, tt.stdout)
		}
	}
	out, _, _ := run(t, "curl", "-sI", srv.URL+"/hello.txt")
	if !strings.HasPrefix(out, "HTTP/1.1 200 OK\r\n") || !strings.Contains(out, "X-Test: yes\r\n") {
		t.Errorf("curl -I = %q", out)
	}
	_, stderr, _ := run(t, "curl", "-s", "-v", srv.URL+"/hello.txt")
	for _, want := range []string{"> GET /hello.txt HTTP/1.1", "< HTTP/1.1 200 OK", "* timing: dns ", " first-byte ", " total "} {
		if !strings.Contains(stderr, want) {
			t.Errorf("curl -v stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, stderr, code := run(t, "curl", "http://127.0.0.1:1/"); code != 7 || !strings.Contains(stderr, "curl: (7)") {
		t.Errorf("curl to a closed port = %d %q, want 7", code, stderr)
	}
}

func TestCurlOutputFiles(t *testing.T) {
	srv := httptest.NewServer(testHandler())
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	if _, stderr, code := runDir(t, dir, "curl", "-sO", srv.URL+"/hello.txt"); code != 0 {
		t.Fatalf("curl -O = %d %q", code, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "hello.txt")); err != nil || string(b) != "hello\n" {
		t.Errorf("curl -O wrote %q, %v", b, err)
	}
	if _, _, code := runDir(t, dir, "wget", "-q", srv.URL+"/"); code != 0 {
		t.Fatalf("wget = %d", code)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "index.html")); err != nil || string(b) != "<html>index</html>" {
		t.Errorf("wget / wrote index.html %q, %v", b, err)
	}
}

func TestCurlTLS(t *testing.T) {
	srv := httptest.NewTLSServer(testHandler())
	t.Cleanup(srv.Close)
	if _, stderr, code := run(t, "curl", "-s", "-S", srv.URL+"/hello.txt"); code != 60 || !strings.Contains(stderr, "certificate") {
		t.Errorf("curl to an untrusted server = %d %q, want 60", code, stderr)
	}
	if out, _, code := run(t, "curl", "-sk", srv.URL+"/hello.txt"); code != 0 || out != "hello\n" {
		t.Errorf("curl -k = %d %q", code, out)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := run(t, "curl", "-s", "--cacert", ca, "--timing", srv.URL+"/hello.txt")
	if code != 0 || out != "hello\n" {
		t.Errorf("curl --cacert = %d %q %q", code, out, stderr)
	}
	if !strings.Contains(stderr, "tls ") || strings.Contains(stderr, "tls 0.000ms") {
		t.Errorf("--timing over TLS has no tls time: %q", stderr)
	}
	if out, _, code := run(t, "wget", "-q", "-O", "-", "--no-check-certificate", srv.URL+"/hello.txt"); code != 0 || out != "hello\n" {
		t.Errorf("wget --no-check-certificate = %d %q", code, out)
	}
	if out, _, code := run(t, "wget", "-q", "-O", "-", "--insecure", srv.URL+"/hello.txt"); code != 0 || out != "hello\n" {
		t.Errorf("wget --insecure (curl's spelling of --no-check-certificate) = %d %q", code, out)
	}
	if _, _, code := run(t, "wget", "-q", "-O", "-", srv.URL+"/hello.txt"); code != 5 {
		t.Errorf("wget to an untrusted server = %d, want 5", code)
	}
}

// TestWgetHeaderFlag: -H is a header in curl but span-hosts in wget; wget refuses it and
// says what to use instead, rather than fetching "X-A: b" as a URL.
func TestWgetHeaderFlag(t *testing.T) {
	srv := httptest.NewServer(testHandler())
	t.Cleanup(srv.Close)
	for _, args := range [][]string{{"wget", "-H", "X-A: b", srv.URL}, {"wget", "-qH", "X-A: b", srv.URL}, {"wget", "--span-hosts", srv.URL}} {
		out, stderr, code := run(t, args...)
		if code != 2 || out != "" || !strings.Contains(stderr, "--header") {
			t.Errorf("%q = %d %q %q, want status 2 and advice to use --header", args, code, out, stderr)
		}
	}
}

func TestWget(t *testing.T) {
	srv := httptest.NewServer(testHandler())
	t.Cleanup(srv.Close)
	out, stderr, code := run(t, "wget", "-O", "-", srv.URL+"/redirect")
	if code != 0 || out != "hello\n" || !strings.Contains(stderr, "200 OK") {
		t.Errorf("wget -O - /redirect = %d %q %q", code, out, stderr)
	}
	if _, _, code := run(t, "wget", "-q", "-O", "-", srv.URL+"/missing"); code != 8 {
		t.Errorf("wget 404 = %d, want 8", code)
	}
	if _, stderr, code := run(t, "wget", "--spider", "-S", srv.URL+"/hello.txt"); code != 0 || !strings.Contains(stderr, "X-Test: yes") {
		t.Errorf("wget --spider -S = %d %q", code, stderr)
	}
}

func TestExpandWriteOutEscapes(t *testing.T) {
	resp := &http.Response{StatusCode: 204, Header: http.Header{"Content-Type": {"x/y"}}, Request: httptest.NewRequest("GET", "http://h/p", nil)}
	got := expandWriteOut(`%{http_code}\t%{content_type}\n%{url_effective} %{nope}`, resp, &timing{}, timingZero, 0, 0)
	if want := "204\tx/y\nhttp://h/p "; got != want {
		t.Errorf("expandWriteOut = %q, want %q", got, want)
	}
}
