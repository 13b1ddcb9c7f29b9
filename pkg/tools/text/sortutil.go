package text

import (
	"io/fs"
	"sort"
)

func sortDirEntries(e []fs.DirEntry) {
	sort.Slice(e, func(i, j int) bool { return e[i].Name() < e[j].Name() })
}
