package patch

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

type patcher struct {
	env *tools.Env
	o   *patchOpts
	out *bufio.Writer
	dir string
}

func (p *patcher) say(format string, args ...any) {
	if !p.o.silent {
		fmt.Fprintf(p.out, format, args...)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// apply patches one file; it returns the exit status it earns (0, 1 or 2).
func (p *patcher) apply(fp *filePatch, target string) int {
	o := p.o
	hunks := fp.hunks
	oldName, newName := fp.oldName, fp.newName
	if o.reverse {
		oldName, newName = newName, oldName
		for i, h := range hunks {
			hunks[i] = h.reversed()
		}
	}
	creating := oldName == "/dev/null"
	deleting := newName == "/dev/null"
	name := target
	if name == "" {
		var cands []string
		// GNU patch chooses among the header's names as written, before any -R.
		for _, n := range []string{fp.oldName, fp.newName} {
			if n != "/dev/null" {
				s := stripName(n, o.strip)
				if dangerousName(s) {
					// As GNU patch: a name that is absolute or climbs out with ".." is
					// never patched (the FILE operand names a file explicitly).
					if len(cands) == 0 || cands[len(cands)-1] != s {
						p.say("Ignoring potentially dangerous file name %s\n", s)
					}
					cands = append(cands, s)
					continue
				}
				if s != "" {
					cands = append(cands, s)
				}
			}
		}
		// Of the names that exist, GNU patch takes the one with the fewest components,
		// then the shortest base name, then the shortest name.
		for _, c := range cands {
			if dangerousName(c) {
				continue
			}
			if _, err := os.Lstat(filepath.Join(p.dir, c)); err == nil && (name == "" || betterName(c, name)) {
				name = c
			}
		}
		if name == "" && creating && len(cands) > 0 && !dangerousName(cands[0]) {
			name = cands[0]
		}
		if name == "" {
			p.out.Flush()
			fmt.Fprintf(p.out, "can't find file to patch at input line %d\n", fp.hunkLine)
			fmt.Fprintf(p.out, "Perhaps you used the wrong -p or --strip option?\nThe text leading up to this was:\n--------------------------\n")
			for _, l := range fp.leading {
				fmt.Fprintf(p.out, "|%s", l)
			}
			fmt.Fprintf(p.out, "--------------------------\nFile to patch: \nSkip this patch? [y] \nSkipping patch.\n")
			fmt.Fprintf(p.out, "%d out of %d %s ignored\n", len(hunks), len(hunks), plural(len(hunks), "hunk"))
			return 1
		}
	}
	full := filepath.Join(p.dir, name)
	content, err := os.ReadFile(full)
	mode := os.FileMode(0o644)
	if err != nil && !(os.IsNotExist(err) && (creating || allInsert(hunks))) {
		p.out.Flush()
		p.env.Errorf("patch", "**** Can't open file %s : %s", name, tools.Reason(err))
		return 2
	}
	if fi, err := os.Stat(full); err == nil {
		mode = fi.Mode().Perm()
	}
	verb := "patching"
	if o.dryRun {
		verb = "checking"
	}
	if o.out != "" {
		p.say("%s file %s (read from %s)\n", verb, o.out, name)
	} else {
		p.say("%s file %s\n", verb, name)
	}
	lines := splitLines(string(content))
	var result []string
	pos, lastOffset := 0, 0
	var failed []*hunk
	mismatch, skipped := false, false
	for i, h := range hunks {
		// As GNU patch, each fuzz level is tried forward then, for the first hunk, reversed:
		// a reversed patch is seen before fuzz would apply it a second time.
		where, fuzz, ok, reversed := 0, 0, false, false
		for f := 0; f <= o.maxFuzz && !ok && !reversed; f++ {
			where, fuzz, ok = locateFuzz(h, lines, pos, lastOffset, f, f)
			if !ok && i == 0 && !o.force && len(h.reversed().oldLines()) > 0 {
				_, _, reversed = locateFuzz(h.reversed(), lines, pos, lastOffset, f, f)
			}
		}
		if !ok && reversed {
			switch {
			case o.forward:
				p.say("Reversed (or previously applied) patch detected!  Skipping patch.\n")
				skipped = true
			case o.batch:
				p.say("Reversed (or previously applied) patch detected!  Assuming -R.\n")
				mismatch = true
				for j := range hunks {
					hunks[j] = hunks[j].reversed()
				}
				h = hunks[0]
				where, fuzz, ok = locate(h, lines, pos, lastOffset, o.maxFuzz)
			default:
				fmt.Fprintf(p.out, "Reversed (or previously applied) patch detected!  Assume -R? [n] \nApply anyway? [n] \n")
				p.say("Skipping patch.\n")
				skipped = true
			}
			if skipped {
				break
			}
		}
		if !ok {
			// GNU patch numbers a failed hunk, in its message and FILE.rej, by the lines
			// the hunks before it added or removed.
			rh := *h
			rh.oldStart += len(result) - pos
			rh.newStart += len(result) - pos
			failed = append(failed, &rh)
			p.say("Hunk #%d FAILED at %d.\n", i+1, rh.oldStart)
			mismatch = true
			continue
		}
		first := h.oldStart - 1
		if h.oldLen == 0 {
			first = h.oldStart
		}
		lastOffset = where - first
		result = append(result, lines[pos:where]...)
		k := where
		for _, l := range h.lines {
			switch l.op {
			case ' ':
				if k < len(lines) {
					result = append(result, lines[k])
				}
				k++
			case '-':
				k++
			case '+':
				result = append(result, l.text)
			}
		}
		pos = k
		if pos > len(lines) {
			pos = len(lines)
		}
		if fuzz > 0 || lastOffset != 0 {
			mismatch = true
			p.say("Hunk #%d succeeded at %d", i+1, h.newStart+lastOffset)
			if fuzz > 0 {
				p.say(" with fuzz %d", fuzz)
			}
			if lastOffset != 0 {
				p.say(" (offset %d %s)", lastOffset, plural(abs(lastOffset), "line"))
			}
			p.say(".\n")
		}
	}
	if skipped {
		failed = hunks
		fmt.Fprintf(p.out, "%d out of %d %s ignored", len(hunks), len(hunks), plural(len(hunks), "hunk"))
		if o.dryRun {
			fmt.Fprintln(p.out)
			return 1
		}
		fmt.Fprintf(p.out, " -- saving rejects to file %s.rej\n", name)
		return p.reject(fp, name, failed)
	}
	result = append(result, lines[pos:]...)
	st := 0
	if len(failed) > 0 {
		st = 1
		fmt.Fprintf(p.out, "%d out of %d %s FAILED", len(failed), len(hunks), plural(len(hunks), "hunk"))
		if o.dryRun {
			fmt.Fprintln(p.out)
		} else {
			fmt.Fprintf(p.out, " -- saving rejects to file %s.rej\n", name)
			if r := p.reject(fp, name, failed); r > st {
				st = r
			}
		}
	}
	if o.dryRun {
		return st
	}
	if mismatch && !o.noBackup && o.out == "" && content != nil {
		if err := os.WriteFile(full+".orig", content, mode); err != nil {
			p.out.Flush()
			p.env.Errorf("patch", "**** Can't create file %s.orig : %s", name, tools.Reason(err))
			return 2
		}
	}
	data := strings.Join(result, "")
	dest := full
	if o.out != "" {
		dest = p.env.Abs(o.out)
		if o.out == "-" {
			p.out.WriteString(data)
			return st
		}
		// GNU patch writes an -o file through a temporary file of its own, mode 0600.
		mode = 0o600
		if fi, err := os.Stat(dest); err == nil {
			mode = fi.Mode().Perm()
		}
	}
	if o.out == "" && data == "" && (deleting || o.removeEmpty) {
		if err := os.Remove(full); err != nil && !os.IsNotExist(err) {
			p.out.Flush()
			p.env.Errorf("patch", "**** Can't remove file %s : %s", name, tools.Reason(err))
			return 2
		}
		// As GNU patch, directories the deletion leaves empty go too.
		for d := filepath.Dir(name); d != "." && d != "/"; d = filepath.Dir(d) {
			if os.Remove(filepath.Join(p.dir, d)) != nil {
				break
			}
		}
		return st
	}
	if err := writeReplacing(dest, data, mode); err != nil {
		p.out.Flush()
		p.env.Errorf("patch", "**** Can't create file %s : %s", dest, tools.Reason(err))
		return 2
	}
	return st
}

func dangerousName(s string) bool {
	if strings.HasPrefix(s, "/") {
		return true
	}
	for _, part := range strings.Split(s, "/") {
		if part == ".." {
			return true
		}
	}
	return false
}

func betterName(a, b string) bool {
	ca, cb := strings.Count(path.Clean(a), "/"), strings.Count(path.Clean(b), "/")
	if ca != cb {
		return ca < cb
	}
	if la, lb := len(path.Base(a)), len(path.Base(b)); la != lb {
		return la < lb
	}
	return len(a) < len(b)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func allInsert(hs []*hunk) bool {
	for _, h := range hs {
		if h.oldLen != 0 {
			return false
		}
	}
	return true
}

// writeReplacing writes data to a new file beside dest and renames it over dest (GNU
// patch's new inode), making the directories a created file needs.
func writeReplacing(dest, data string, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(dest), ".patch-*")
	if err != nil {
		return err
	}
	_, werr := f.WriteString(data)
	if err := f.Chmod(mode); werr == nil {
		werr = err
	}
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr == nil {
		werr = os.Rename(f.Name(), dest)
	}
	if werr != nil {
		os.Remove(f.Name())
	}
	return werr
}
