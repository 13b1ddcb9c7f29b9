package docker

import (
	"context"
	"fmt"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/target"
)

// List returns the running containers of the Docker Engine, for `ddebug ps`.
func (r Resolver) List(ctx context.Context) ([]target.Target, error) {
	e, err := newEngine(r.Host)
	if err != nil {
		return nil, fmt.Errorf("%w: docker: %v", target.ErrUnavailable, err)
	}
	items, err := e.list(ctx, false)
	if err != nil {
		return nil, r.explain(ctx, e, target.Reference{}, err)
	}
	var out []target.Target
	for _, c := range items {
		// The list has no PID: inspect each running container, as Resolve does.
		t, err := r.Resolve(ctx, target.Reference{Scheme: Scheme, Name: c.ID})
		if err != nil {
			continue // stopped or removed since listed
		}
		if t.Name == "" && len(c.Names) > 0 {
			t.Name = strings.TrimPrefix(c.Names[0], "/")
		}
		out = append(out, t)
	}
	return out, nil
}
