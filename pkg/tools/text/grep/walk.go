package grep

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

func (g *grepper) selected(name string, isDir bool) bool {
	base := path.Base(name)
	if isDir {
		for _, p := range g.excludeDirs {
			if ok, _ := path.Match(p, base); ok {
				return false
			}
		}
		return true
	}
	for _, p := range g.excludes {
		if ok, _ := path.Match(p, base); ok {
			return false
		}
	}
	if len(g.includes) == 0 {
		return true
	}
	for _, p := range g.includes {
		if ok, _ := path.Match(p, base); ok {
			return true
		}
	}
	return false
}

// walk searches a directory tree. shown is the prefix for names ("" for the implicit ".").
func (g *grepper) walk(shown, abs string, top bool, prefix string) {
	if g.ctx.Err() != nil || g.quiet && g.matchedAny {
		return
	}
	if !top && !g.selected(shown, true) {
		return
	}
	d, err := os.Open(abs)
	if err != nil {
		g.fileErr(shown, err)
		return
	}
	ents, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		g.fileErr(shown, err)
	}
	sortDirEntries(ents)
	for _, e := range ents {
		if g.ctx.Err() != nil || g.quiet && g.matchedAny {
			return
		}
		n := e.Name()
		childShown := n
		if prefix != "" {
			childShown = strings.TrimSuffix(prefix, "/") + "/" + n
		}
		childAbs := abs + "/" + n
		t := e.Type()
		if t&fs.ModeSymlink != 0 {
			if !g.follow {
				continue
			}
			fi, err := os.Stat(childAbs)
			if err != nil {
				g.fileErr(childShown, err)
				continue
			}
			t = fi.Mode().Type()
		}
		switch {
		case t.IsDir():
			g.walk(childShown, childAbs, false, childShown)
		case t.IsRegular():
			if g.selected(n, false) {
				g.searchWalked(childAbs, childShown)
			}
		}
		// Anything else met in the tree (a FIFO, socket or device) is skipped without
		// being opened, as GNU grep -r does: a FIFO would block the search for ever.
	}
}

func (g *grepper) searchFile(abs, shown string) {
	f, err := os.Open(abs)
	if err != nil {
		g.fileErr(shown, err)
		return
	}
	defer f.Close()
	g.searchReader(f, shown)
}

// searchWalked searches a file met in the tree, only if it is still a regular file when
// opened (a target may swap a FIFO in behind the walk).
func (g *grepper) searchWalked(abs, shown string) {
	f, err := tools.OpenRegular(abs, nil)
	if errors.Is(err, tools.ErrNotRegular) {
		return
	}
	if err != nil {
		g.fileErr(shown, err)
		return
	}
	defer f.Close()
	g.searchReader(f, shown)
}

func sortDirEntries(e []fs.DirEntry) {
	sort.Slice(e, func(i, j int) bool { return e[i].Name() < e[j].Name() })
}
