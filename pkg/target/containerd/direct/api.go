package direct

import (
	"context"
	"errors"
	"fmt"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target/containerd/internal/grpcunix"
)

// The methods of containerd's API (github.com/containerd/containerd/api, services/*/v1)
// this package calls; field numbers are those of their .proto files.
const (
	methodVersion      = "/containerd.services.version.v1.Version/Version"
	methodContainerGet = "/containerd.services.containers.v1.Containers/Get"
	methodTaskGet      = "/containerd.services.tasks.v1.Tasks/Get"
)

// namespaceHeader is the gRPC metadata that names the namespace of a call.
const namespaceHeader = "containerd-namespace"

// lookup is containerd's answer about one container: its version, the container (with
// Task nil when it has none), or the error of each call.
type lookup struct {
	version               string
	versionErr            error
	container             Container
	containerErr, taskErr error
}

// get asks containerd at addr, in one round trip, its version, the container id of
// namespace ns and its task. The error is the connection's; each call's is in lookup.
func get(ctx context.Context, addr, ns, id string) (lookup, error) {
	replies, err := grpcunix.Invoke(ctx, addr, map[string]string{namespaceHeader: ns},
		grpcunix.Call{Method: methodVersion},                                         // google.protobuf.Empty
		grpcunix.Call{Method: methodContainerGet, Request: appendString(nil, 1, id)}, // GetContainerRequest.id
		grpcunix.Call{Method: methodTaskGet, Request: appendString(nil, 1, id)},      // GetRequest.container_id
	)
	if err != nil {
		return lookup{}, err
	}
	l := lookup{versionErr: replies[0].Err, containerErr: replies[1].Err, taskErr: replies[2].Err}
	if l.versionErr == nil {
		l.version, l.versionErr = decodeVersion(replies[0].Message)
	}
	if l.containerErr == nil {
		l.container, l.containerErr = decodeContainer(replies[1].Message)
		l.container.Namespace = ns
	}
	if l.taskErr == nil {
		var t Task
		if t, l.taskErr = decodeTask(replies[2].Message); l.taskErr == nil {
			l.container.Task = &t
		}
	}
	return l, nil
}

// decodeVersion reads VersionResponse: version = 1.
func decodeVersion(b []byte) (string, error) {
	var v string
	err := fields(b, func(num, typ int, _ uint64, p []byte) error {
		if num == 1 && typ == wireBytes {
			v = string(p)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("decoding %s: %w", methodVersion, err)
	}
	return v, nil
}

// decodeContainer reads GetContainerResponse: container = 1, a Container: id = 1,
// labels = 2 (map<string, string>: entries of key = 1, value = 2), image = 3.
func decodeContainer(b []byte) (Container, error) {
	c := Container{Labels: map[string]string{}}
	found, err := message(b, 1, func(num, typ int, _ uint64, p []byte) error {
		if typ != wireBytes {
			return nil
		}
		switch num {
		case 1:
			c.ID = string(p)
		case 2:
			var k, v string
			err := fields(p, func(num, typ int, _ uint64, p []byte) error {
				switch {
				case num == 1 && typ == wireBytes:
					k = string(p)
				case num == 2 && typ == wireBytes:
					v = string(p)
				}
				return nil
			})
			if err != nil {
				return err
			}
			c.Labels[k] = v
		case 3:
			c.Image = string(p)
		}
		return nil
	})
	if err == nil && (!found || c.ID == "") {
		err = errors.New("no container in the answer")
	}
	if err != nil {
		return Container{}, fmt.Errorf("decoding %s: %w", methodContainerGet, err)
	}
	return c, nil
}

// decodeTask reads GetResponse: process = 1, a containerd.v1.types.Process: pid = 3,
// status = 4, exit_status = 9.
func decodeTask(b []byte) (Task, error) {
	var t Task
	found, err := message(b, 1, func(num, typ int, v uint64, _ []byte) error {
		if typ != wireVarint {
			return nil
		}
		switch num {
		case 3:
			t.PID = uint32(v)
		case 4:
			t.Status = Status(int32(v))
		case 9:
			t.ExitStatus = uint32(v)
		}
		return nil
	})
	if err == nil && !found {
		err = errors.New("no process in the answer")
	}
	if err != nil {
		return Task{}, fmt.Errorf("decoding %s: %w", methodTaskGet, err)
	}
	return t, nil
}
