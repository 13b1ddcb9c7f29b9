//go:build linux

package proc

import (
	"context"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/columns"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/mountinfo"
)

// Findmnt is findmnt: show the mount tree, or find a mount by target or type.
var Findmnt = tools.Applet{Name: "findmnt", Summary: "show the mount tree, or find a mount by target or type", Run: runFindmnt}

func runFindmnt(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("findmnt", "")
	types := fs.String('t', "types", "")
	list, noHead := fs.Bool('l', "list"), fs.Bool('n', "noheadings")
	pid := fs.String('N', "task", "self")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "findmnt [-l] [-n] [-t TYPES] [-N PID] [TARGET|SOURCE]")
	}
	if err != nil || len(ops) > 1 {
		env.Errorf("findmnt", "bad arguments (%v)", err)
		return 2
	}
	ms, err := mountinfo.Read(*pid)
	if err != nil {
		env.Errorf("findmnt", "%v", err)
		return 1
	}
	want := typeFilter(*types)
	var sel []mountinfo.Entry
	for _, m := range ms {
		if !want(m.FSType) {
			continue
		}
		if len(ops) == 1 && m.Target != filepath.Clean(ops[0]) && m.Source != ops[0] {
			continue
		}
		sel = append(sel, m)
	}
	if len(sel) == 0 {
		return 1
	}
	tree := !*list && *types == "" && len(ops) == 0
	t := &columns.Table{HideHeader: *noHead}
	t.Add("TARGET", "SOURCE", "FSTYPE", "OPTIONS")
	source := func(m mountinfo.Entry) string {
		if m.Root != "/" && !strings.HasPrefix(m.FSType, "cgroup") {
			return m.Source + "[" + m.Root + "]"
		}
		return m.Source
	}
	if !tree {
		for _, m := range sel {
			t.Add(m.Target, source(m), m.FSType, m.Options())
		}
		t.Write(env.Stdout)
		return 0
	}
	ids := map[int]bool{}
	children := map[int][]mountinfo.Entry{}
	for _, m := range sel {
		ids[m.ID] = true
	}
	var roots []mountinfo.Entry
	for _, m := range sel {
		if ids[m.Parent] && m.Parent != m.ID {
			children[m.Parent] = append(children[m.Parent], m)
		} else {
			roots = append(roots, m)
		}
	}
	// util-linux (libmount's mnt_table_next_child_fs) lists children by mount ID, which is
	// not always their order in mountinfo (propagation and moves reorder the file).
	for id := range children {
		kids := children[id]
		sort.SliceStable(kids, func(i, j int) bool { return kids[i].ID < kids[j].ID })
	}
	// util-linux draws the tree with line-drawing characters in a UTF-8 locale, ASCII otherwise.
	mid, last, bar := "├─", "└─", "│ "
	if !env.UTF8() {
		mid, last, bar = "|-", "`-", "| "
	}
	var walk func(m mountinfo.Entry, prefix, branch string)
	walk = func(m mountinfo.Entry, prefix, branch string) {
		t.Add(prefix+branch+m.Target, source(m), m.FSType, m.Options())
		kids := children[m.ID]
		next := prefix
		switch branch {
		case mid:
			next += bar
		case last:
			next += "  "
		}
		for i, c := range kids {
			b := mid
			if i == len(kids)-1 {
				b = last
			}
			walk(c, next, b)
		}
	}
	for _, r := range roots {
		walk(r, "", "")
	}
	t.Write(env.Stdout)
	return 0
}
