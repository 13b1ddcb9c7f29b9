//go:build linux

package proc

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/internal/procfile"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Pstree is pstree: show the process tree.
var Pstree = tools.Applet{Name: "pstree", Summary: "show the process tree", Run: runPstree}

type ptNode struct {
	p        *process
	label    string
	children []*ptNode
}

func runPstree(_ context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("pstree", "")
	showPIDs, showArgs := fs.Bool('p', "show-pids"), fs.Bool('a', "arguments")
	fs.Bool('A', "ascii")
	noCompact := fs.Bool('c', "compact-not")
	ops, err := fs.ParseArgs(args[1:])
	if err == gnuflag.ErrHelp {
		return tools.Usage(env, "pstree [-p] [-a] [-c] [PID|USER]\nPrints the tree in ASCII; identical leaves are merged as N*[name] unless -p or -c.")
	}
	if err != nil || len(ops) > 1 {
		env.Errorf("pstree", "bad arguments (%v)", err)
		return 2
	}
	fsys := procfile.Default
	var n need
	n.args = *showArgs
	rootPID, uid := -1, -1
	if len(ops) == 1 {
		if v, err := strconv.Atoi(ops[0]); err == nil {
			rootPID = v
		} else if u, ok := userdb.Load("/").LookupUser(ops[0]); ok {
			uid, n.ids = u.UID, true
		} else {
			env.Errorf("pstree", "no such user name: %s", ops[0])
			return 1
		}
	}
	procs, err := listProcesses(fsys, n)
	if err != nil {
		env.Errorf("pstree", "%v", err)
		return 1
	}
	nodes := map[int]*ptNode{}
	for _, p := range procs {
		label := p.Comm
		if *showArgs && len(p.Args) > 1 {
			label += " " + strings.Join(p.Args[1:], " ")
		}
		if *showPIDs {
			label = fmt.Sprintf("%s(%d)", p.Comm, p.PID)
			if *showArgs && len(p.Args) > 1 {
				label += " " + strings.Join(p.Args[1:], " ")
			}
		}
		nodes[p.PID] = &ptNode{p: p, label: label}
	}
	var roots []*ptNode
	for _, p := range procs {
		nd := nodes[p.PID]
		if parent, ok := nodes[p.PPID]; ok && p.PPID != p.PID {
			parent.children = append(parent.children, nd)
		} else {
			roots = append(roots, nd)
		}
	}
	switch {
	case rootPID >= 0:
		nd, ok := nodes[rootPID]
		if !ok {
			return 1
		}
		roots = []*ptNode{nd}
	case uid >= 0:
		roots = nil
		for _, p := range procs {
			if p.UID == uid && (nodes[p.PPID] == nil || nodes[p.PPID].p.UID != uid) {
				roots = append(roots, nodes[p.PID])
			}
		}
	}
	compact := !*showPIDs && !*noCompact
	var b strings.Builder
	for _, r := range roots {
		for _, l := range renderTree(r, compact) {
			b.WriteString(l + "\n")
		}
	}
	fmt.Fprint(env.Stdout, b.String())
	return 0
}

// renderTree draws nd and its subtree in pstree -A style:
//
//	init-+-a
//	     |-b---c
//	     `-2*[d]
func renderTree(nd *ptNode, compact bool) []string {
	type group struct {
		n     *ptNode
		count int
	}
	var groups []group
	kids := append([]*ptNode(nil), nd.children...)
	sort.SliceStable(kids, func(i, j int) bool { return kids[i].label < kids[j].label })
	for _, c := range kids {
		if compact && len(c.children) == 0 && len(groups) > 0 {
			last := &groups[len(groups)-1]
			if last.n.label == c.label && len(last.n.children) == 0 {
				last.count++
				continue
			}
		}
		groups = append(groups, group{c, 1})
	}
	if len(groups) == 0 {
		return []string{nd.label}
	}
	var out []string
	pad := strings.Repeat(" ", len(nd.label))
	for i, g := range groups {
		sub := renderTree(g.n, compact)
		if g.count > 1 {
			sub = []string{fmt.Sprintf("%d*[%s]", g.count, g.n.label)}
		}
		var first, cont string
		switch {
		case len(groups) == 1:
			first, cont = nd.label+"---", pad+"   "
		case i == 0:
			first, cont = nd.label+"-+-", pad+" | "
		case i == len(groups)-1:
			first, cont = pad+" `-", pad+"   "
		default:
			first, cont = pad+" |-", pad+" | "
		}
		for j, l := range sub {
			if j == 0 {
				out = append(out, first+l)
			} else {
				out = append(out, cont+l)
			}
		}
	}
	return out
}
