package docker

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/hostsockets"
)

// DefaultHost is the Docker Engine's socket when $DOCKER_HOST is unset.
const DefaultHost = "unix://" + hostsockets.DockerDefault

// engine speaks the few Engine API requests a resolver makes: HTTP/1.1 GETs, one per
// connection, over the daemon's unix socket (or a plain tcp:// DOCKER_HOST). It is written
// by hand rather than with net/http or Docker's Go client so that the lean ddebug binary
// starts in about a millisecond: those pull in TLS, HTTP/2 and a regexp-heavy reference
// parser whose package initialisation alone costs more than resolving the container.
type engine struct {
	host          string // as given: unix:///var/run/docker.sock
	network, addr string
}

// newEngine reads host, "" meaning $DOCKER_HOST, else DefaultHost.
func newEngine(host string) (*engine, error) {
	if host == "" {
		host = os.Getenv("DOCKER_HOST")
	}
	if host == "" {
		host = DefaultHost
	}
	scheme, addr, ok := strings.Cut(host, "://")
	if !ok {
		return nil, fmt.Errorf("DOCKER_HOST %q: want unix:///PATH or tcp://HOST:PORT", host)
	}
	switch scheme {
	case "unix":
	case "tcp", "http":
		if os.Getenv("DOCKER_TLS_VERIFY") != "" || os.Getenv("DOCKER_CERT_PATH") != "" {
			return nil, fmt.Errorf("DOCKER_HOST %q with TLS: not supported; ddebug enters containers on this host, so talk to the daemon on its unix socket (unset DOCKER_HOST)", host)
		}
		scheme = "tcp"
		addr, _, _ = strings.Cut(addr, "/")
	default:
		return nil, fmt.Errorf("DOCKER_HOST %q: %s:// is not supported; ddebug enters containers on this host, so talk to the daemon on its unix socket (unset DOCKER_HOST)", host, scheme)
	}
	return &engine{host: host, network: scheme, addr: addr}, nil
}

// apiError is an answer of the daemon other than 2xx.
type apiError struct {
	status  int
	message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("Error response from daemon (%d): %s", e.status, e.message)
}

// isNotFound says whether err is the daemon's 404.
func isNotFound(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.status == 404
}

// get GETs path (with query) and decodes the JSON answer into v. A connection failure is
// returned as the dialer's error; a non-2xx answer as an *apiError.
func (e *engine) get(ctx context.Context, path string, v any) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, e.network, e.addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: docker\r\nUser-Agent: ddebug\r\nAccept: application/json\r\nConnection: close\r\n\r\n"); err != nil {
		return fmt.Errorf("sending GET %s: %w", path, err)
	}
	status, body, err := readResponse(bufio.NewReader(c))
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("reading the answer to GET %s: %w", path, err)
	}
	if status < 200 || status > 299 {
		var m struct{ Message string }
		if json.Unmarshal(body, &m) != nil || m.Message == "" {
			m.Message = strings.TrimSpace(string(body))
		}
		return &apiError{status: status, message: m.Message}
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decoding the answer to GET %s: %w", path, err)
	}
	return nil
}

// maxBody bounds an answer: a container list of a busy host is well under it.
const maxBody = 64 << 20

// readResponse reads an HTTP/1.1 answer: status, then the body by Content-Length, chunks,
// or up to the end of the connection.
func readResponse(r *bufio.Reader) (int, []byte, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return 0, nil, err
	}
	f := strings.Fields(line)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/1.") {
		return 0, nil, fmt.Errorf("malformed status line %q", strings.TrimSpace(line))
	}
	status, err := strconv.Atoi(f[1])
	if err != nil {
		return 0, nil, fmt.Errorf("malformed status line %q", strings.TrimSpace(line))
	}
	length, chunked := -1, false
	for {
		h, err := r.ReadString('\n')
		if err != nil {
			return 0, nil, err
		}
		h = strings.TrimRight(h, "\r\n")
		if h == "" {
			break
		}
		k, v, _ := strings.Cut(h, ":")
		v = strings.TrimSpace(v)
		switch strings.ToLower(k) {
		case "content-length":
			if length, err = strconv.Atoi(v); err != nil || length < 0 || length > maxBody {
				return 0, nil, fmt.Errorf("bad Content-Length %q", v)
			}
		case "transfer-encoding":
			chunked = strings.EqualFold(v, "chunked")
		}
	}
	var body []byte
	switch {
	case chunked:
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return 0, nil, err
			}
			l, _, _ = strings.Cut(strings.TrimSpace(l), ";")
			n, err := strconv.ParseInt(l, 16, 64)
			if err != nil || n < 0 || int64(len(body))+n > maxBody {
				return 0, nil, fmt.Errorf("bad chunk size %q", l)
			}
			if n == 0 {
				break
			}
			chunk := make([]byte, n+2) // the chunk and its CRLF
			if _, err := io.ReadFull(r, chunk); err != nil {
				return 0, nil, err
			}
			body = append(body, chunk[:n]...)
		}
	case length >= 0:
		body = make([]byte, length)
		if _, err := io.ReadFull(r, body); err != nil {
			return 0, nil, err
		}
	default:
		body, err = io.ReadAll(io.LimitReader(r, maxBody))
		if err != nil {
			return 0, nil, err
		}
	}
	return status, body, nil
}

// inspectResponse is what a resolver reads of GET /containers/{id}/json.
type inspectResponse struct {
	ID     string `json:"Id"`
	Name   string
	State  *containerState
	Config *struct{ Image string }
}

type containerState struct {
	Status     string
	Running    bool
	Paused     bool
	Restarting bool
	Pid        int
	ExitCode   int
}

// listItem is what a resolver reads of an item of GET /containers/json.
type listItem struct {
	ID    string `json:"Id"`
	Names []string
}

func (e *engine) inspect(ctx context.Context, ref string) (inspectResponse, error) {
	var c inspectResponse
	err := e.get(ctx, "/containers/"+url.PathEscape(ref)+"/json", &c)
	return c, err
}

func (e *engine) list(ctx context.Context, all bool) ([]listItem, error) {
	path := "/containers/json"
	if all {
		path += "?all=1"
	}
	var items []listItem
	err := e.get(ctx, path, &items)
	return items, err
}
