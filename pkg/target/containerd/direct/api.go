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
	methodVersion       = "/containerd.services.version.v1.Version/Version"
	methodContainerGet  = "/containerd.services.containers.v1.Containers/Get"
	methodContainerList = "/containerd.services.containers.v1.Containers/List"
	methodTaskGet       = "/containerd.services.tasks.v1.Tasks/Get"
	methodNamespaceList = "/containerd.services.namespaces.v1.Namespaces/List"
)

// namespaceHeader is the gRPC metadata that names the namespace of a call.
const namespaceHeader = "containerd-namespace"

// lookup is containerd's answer about one name: its version, the container of that ID
// (with Task nil when it has none) and the containers of that nerdctl name, or the error
// of each call.
type lookup struct {
	version               string
	versionErr            error
	container             Container
	containerErr, taskErr error
	named                 []Container
	namedErr              error
	namespaces            []string // all of containerd's, when asked
	namespacesErr         error
}

// errNotListed and errFullID are the namedErr of a name get does not look up by label.
var (
	errNotListed = errors.New("not a name looked up by label here")
	errFullID    = errors.New("a full ID in a namespace given, not looked up by label here")
)

// get asks containerd at addr, in one round trip, its version, the container name of
// namespace ns and its task, the containers of ns with that nerdctl name and, with
// others, the names of its namespaces. The error is the connection's; each call's is in
// lookup.
func get(ctx context.Context, addr, ns, name string, others bool) (lookup, error) {
	calls := []grpcunix.Call{
		{Method: methodVersion}, // google.protobuf.Empty
		{Method: methodContainerGet, Request: appendString(nil, 1, name)}, // GetContainerRequest.id
		{Method: methodTaskGet, Request: appendString(nil, 1, name)},      // GetRequest.container_id
	}
	if others {
		calls = append(calls, grpcunix.Call{Method: methodNamespaceList}) // ListNamespacesRequest{}
	}
	// Listing by nerdctl name makes containerd scan the namespace's containers: on a node with
	// hundreds of them, a cost paid for nothing when the reference is a full ID in a namespace
	// given (containerd://k8s.io/<64 hex>, as docker inspect or crictl give it). Not found by Get, such a
	// reference is handed off, and the whole product looks for it by name too.
	notListed := errNotListed
	switch {
	case !others && isFullID(name):
		notListed = errFullID
	case listable(name):
		calls = append(calls, listByName(name))
	}
	replies, err := grpcunix.Invoke(ctx, addr, map[string]string{namespaceHeader: ns}, calls...)
	if err != nil {
		return lookup{}, err
	}
	l := lookup{versionErr: replies[0].Err, containerErr: replies[1].Err, taskErr: replies[2].Err, namedErr: notListed}
	rest := replies[3:]
	if others {
		if l.namespacesErr = rest[0].Err; l.namespacesErr == nil {
			l.namespaces, l.namespacesErr = decodeNamespaces(rest[0].Message)
		}
		rest = rest[1:]
	}
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
	if len(rest) > 0 {
		if l.namedErr = rest[0].Err; l.namedErr == nil {
			l.named, l.namedErr = decodeContainers(rest[0].Message)
			for i := range l.named {
				l.named[i].Namespace = ns
			}
		}
	}
	return l, nil
}

// listByName is the call that lists the containers of nerdctl name name: a
// ListContainersRequest, filters = 1 in containerd's filter syntax (pkg/filters).
func listByName(name string) grpcunix.Call {
	filter := `labels."` + LabelNerdctlName + `"=="` + name + `"`
	return grpcunix.Call{Method: methodContainerList, Request: appendString(nil, 1, filter)}
}

// maxElsewhere is the most namespaces getElsewhere asks at once.
const maxElsewhere = 16

// getElsewhere asks containerd at addr, in one round trip, for the containers of ID or
// nerdctl name name in each of namespaces nss, and returns them, each once, with its task
// when the container was found by ID (taskKnown). A name of no container is no error.
func getElsewhere(ctx context.Context, addr string, nss []string, name string) (found []Container, taskKnown []bool, err error) {
	if len(nss) > maxElsewhere {
		return nil, nil, fmt.Errorf("%d namespaces, more than are asked at once", len(nss))
	}
	var calls []grpcunix.Call
	for _, ns := range nss {
		md := map[string]string{namespaceHeader: ns}
		calls = append(calls,
			grpcunix.Call{Method: methodContainerGet, Request: appendString(nil, 1, name), Metadata: md},
			grpcunix.Call{Method: methodTaskGet, Request: appendString(nil, 1, name), Metadata: md})
		if listable(name) {
			l := listByName(name)
			l.Metadata = md
			calls = append(calls, l)
		}
	}
	replies, err := grpcunix.Invoke(ctx, addr, nil, calls...)
	if err != nil {
		return nil, nil, err
	}
	notFound := func(err error) bool { return grpcunix.IsCode(err, grpcunix.NotFound) }
	for _, ns := range nss {
		get, task := replies[0], replies[1]
		replies = replies[2:]
		byID := ""
		switch {
		case get.Err == nil:
			c, err := decodeContainer(get.Message)
			if err != nil {
				return nil, nil, err
			}
			if task.Err == nil {
				t, err := decodeTask(task.Message)
				if err != nil {
					return nil, nil, err
				}
				c.Task = &t
			} else if !notFound(task.Err) {
				return nil, nil, fmt.Errorf("%s in namespace %s: %w", methodTaskGet, ns, task.Err)
			}
			c.Namespace, byID = ns, c.ID
			found, taskKnown = append(found, c), append(taskKnown, true)
		case !notFound(get.Err):
			return nil, nil, fmt.Errorf("%s in namespace %s: %w", methodContainerGet, ns, get.Err)
		}
		if !listable(name) {
			continue
		}
		list := replies[0]
		replies = replies[1:]
		if list.Err != nil {
			return nil, nil, fmt.Errorf("%s in namespace %s: %w", methodContainerList, ns, list.Err)
		}
		named, err := decodeContainers(list.Message)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range named {
			if c.ID != byID {
				c.Namespace = ns
				found, taskKnown = append(found, c), append(taskKnown, false)
			}
		}
	}
	return found, taskKnown, nil
}

// decodeNamespaces reads ListNamespacesResponse: namespaces = 1, repeated Namespace:
// name = 1.
func decodeNamespaces(b []byte) ([]string, error) {
	var names []string
	err := fields(b, func(num, typ int, _ uint64, p []byte) error {
		if num != 1 || typ != wireBytes {
			return nil
		}
		var name string
		err := fields(p, func(num, typ int, _ uint64, p []byte) error {
			if num == 1 && typ == wireBytes {
				name = string(p)
			}
			return nil
		})
		names = append(names, name)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", methodNamespaceList, err)
	}
	return names, nil
}

// isFullID says whether name is a container ID as Docker, nerdctl and the CRI make them: 64
// lowercase hex digits.
func isFullID(name string) bool {
	if len(name) != 64 {
		return false
	}
	for _, r := range name {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}

// listable says whether name can be looked up as a nerdctl name in a filter: nerdctl's
// names are [a-zA-Z0-9][a-zA-Z0-9_.-]*, which need no escaping in a quoted value.
func listable(name string) bool {
	for _, r := range name {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	return name != ""
}

// getTask asks containerd at addr for the task of container id of namespace ns: nil
// when it has none.
func getTask(ctx context.Context, addr, ns, id string) (*Task, error) {
	replies, err := grpcunix.Invoke(ctx, addr, map[string]string{namespaceHeader: ns},
		grpcunix.Call{Method: methodTaskGet, Request: appendString(nil, 1, id)})
	if err != nil {
		return nil, err
	}
	if err := replies[0].Err; err != nil {
		if grpcunix.IsCode(err, grpcunix.NotFound) {
			return nil, nil
		}
		return nil, err
	}
	t, err := decodeTask(replies[0].Message)
	return &t, err
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

// decodeContainer reads GetContainerResponse: container = 1, a Container.
func decodeContainer(b []byte) (Container, error) {
	var c Container
	found := false
	err := fields(b, func(num, typ int, _ uint64, p []byte) error {
		if num != 1 || typ != wireBytes {
			return nil
		}
		found = true
		var err error
		c, err = decodeContainerFields(p)
		return err
	})
	if err == nil && !found {
		err = errors.New("no container in the answer")
	}
	if err != nil {
		return Container{}, fmt.Errorf("decoding %s: %w", methodContainerGet, err)
	}
	return c, nil
}

// decodeContainers reads ListContainersResponse: containers = 1, repeated Container.
func decodeContainers(b []byte) ([]Container, error) {
	var cs []Container
	err := fields(b, func(num, typ int, _ uint64, p []byte) error {
		if num != 1 || typ != wireBytes {
			return nil
		}
		c, err := decodeContainerFields(p)
		cs = append(cs, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", methodContainerList, err)
	}
	return cs, nil
}

// decodeContainerFields reads a Container: id = 1, labels = 2 (map<string, string>:
// entries of key = 1, value = 2), image = 3.
func decodeContainerFields(b []byte) (Container, error) {
	c := Container{Labels: map[string]string{}}
	err := fields(b, func(num, typ int, _ uint64, p []byte) error {
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
	if err == nil && c.ID == "" {
		err = errors.New("a container without an ID")
	}
	return c, err
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
