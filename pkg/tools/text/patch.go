package text

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Patch is patch: apply unified and context diffs as GNU patch does (offsets, fuzz, rejects, its
// messages and exit codes). It never asks: where GNU patch would ask on a terminal it
// answers as GNU patch does without one.
var Patch = tools.Applet{Name: "patch", Summary: "apply a diff to files", Run: runPatch}

const patchUsage = `patch [-pN] [-RNEfst] [--dry-run] [-F N] [-i PATCHFILE] [-o OUTFILE] [-d DIR] [FILE [PATCHFILE]]
  -p N  strip N leading components from file names (default: the base name)
  -R  reverse the patch      -N  --forward: skip patches that seem reversed or applied
  -i PATCHFILE  read the patch from PATCHFILE (default stdin)
  -o OUTFILE    write the result to OUTFILE instead of patching in place
  -E  remove files left empty   -F N  maximum fuzz (default 2)   --dry-run  change nothing
  -s  silent   -f  force: assume the patch is not reversed   -t  batch: assume it is
  -d DIR  change to DIR first   --no-backup-if-mismatch  no FILE.orig when a hunk is off
Failed hunks are saved to FILE.rej (exit status 1). Unified and context diffs.`

type patchOpts struct {
	strip                   int
	reverse, forward, force bool
	batch, dryRun, silent   bool
	removeEmpty, noBackup   bool
	maxFuzz                 int
	out, dir, file          string
}

type hunkLine struct {
	op   byte   // ' ', '-' or '+'
	text string // with its newline, unless the diff said "\ No newline at end of file"
}

type hunk struct {
	oldStart, oldLen, newStart, newLen int
	header                             string // the "@@ ... @@" line's tail after the ranges
	lines                              []hunkLine
}

type filePatch struct {
	oldName, newName string
	oldHdr, newHdr   string // the "--- " and "+++ " lines
	leading          []string
	hunkLine         int  // input line of the first hunk
	context          bool // a context diff: its rejects are written as one
	hunks            []*hunk
}

func runPatch(ctx context.Context, env *tools.Env, args []string) int {
	fs := gnuflag.New("patch", patchUsage)
	o := patchOpts{strip: -1, maxFuzz: 2}
	fs.Func('p', "strip", func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("strip count %s is not a number", v)
		}
		o.strip = n
		return nil
	})
	fs.Func('F', "fuzz", func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("fuzz factor %s is not a number", v)
		}
		o.maxFuzz = n
		return nil
	})
	fs.BoolFunc('R', "reverse", func() { o.reverse = true })
	fs.BoolFunc('N', "forward", func() { o.forward = true })
	fs.BoolFunc('f', "force", func() { o.force = true })
	fs.BoolFunc('t', "batch", func() { o.batch = true })
	fs.BoolFunc(0, "dry-run", func() { o.dryRun = true })
	fs.BoolFunc('s', "silent", func() { o.silent = true })
	fs.BoolFunc(0, "quiet", func() { o.silent = true })
	fs.BoolFunc('E', "remove-empty-files", func() { o.removeEmpty = true })
	fs.BoolFunc(0, "no-backup-if-mismatch", func() { o.noBackup = true })
	fs.Bool(0, "backup-if-mismatch")
	fs.Bool('u', "unified")
	fs.Func('i', "input", func(v string) error { o.file = v; return nil })
	fs.Func('o', "output", func(v string) error { o.out = v; return nil })
	fs.Func('d', "directory", func(v string) error { o.dir = v; return nil })
	ops, rc := fs.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) > 2 {
		env.Errorf("patch", "**** extra operand %s\npatch: Try 'patch --help' for more information.", ops[2])
		return 2
	}
	target := ""
	if len(ops) > 0 {
		target = ops[0]
	}
	if len(ops) > 1 {
		o.file = ops[1]
	}
	dir := env.Dir
	if o.dir != "" {
		dir = env.Abs(o.dir)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			env.Errorf("patch", "**** Can't change to directory %s : %s", o.dir, tools.Reason(errOr(err, errors.New("not a directory"))))
			return 2
		}
	}
	var in io.Reader = env.Stdin
	if o.file != "" && o.file != "-" {
		f, err := os.Open(env.Abs(o.file))
		if err != nil {
			env.Errorf("patch", "**** Can't open patch file %s : %s", o.file, tools.Reason(err))
			return 2
		}
		defer f.Close()
		in = f
	}
	patches, sawText, err := parsePatch(in)
	if err != nil {
		env.Errorf("patch", "**** %v", err)
		return 2
	}
	if len(patches) == 0 {
		if sawText {
			env.Errorf("patch", "**** Only garbage was found in the patch input.")
			return 2
		}
		return 0
	}
	out := bufio.NewWriter(env.Stdout)
	defer out.Flush()
	p := &patcher{env: env, o: &o, out: out, dir: dir}
	st := 0
	for _, fp := range patches {
		if err := ctx.Err(); err != nil {
			out.Flush()
			env.Errorf("patch", "%v", err)
			return 2
		}
		if r := p.apply(fp, target); r > st {
			st = r
		}
	}
	return st
}

func errOr(err, def error) error {
	if err != nil {
		return err
	}
	return def
}

// parsePatch reads the unified diffs of the input: each "--- "/"+++ " pair followed by
// "@@" hunks is one file's patch; any other text is skipped.
func parsePatch(r io.Reader) ([]*filePatch, bool, error) {
	br := bufio.NewReader(r)
	var lines []string
	for {
		l, err := br.ReadString('\n')
		if l != "" {
			lines = append(lines, l)
		}
		if err != nil {
			break
		}
	}
	var out []*filePatch
	start := 0
	for i := 0; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "*** ") && i+2 < len(lines) && strings.HasPrefix(lines[i+1], "--- ") && strings.HasPrefix(lines[i+2], "***************") {
			fp, next, err := parseContext(lines, i, start)
			if err != nil {
				return nil, true, err
			}
			out = append(out, fp)
			start, i = next, next-1
			continue
		}
		if !(strings.HasPrefix(lines[i], "--- ") && i+2 < len(lines) && strings.HasPrefix(lines[i+1], "+++ ") && strings.HasPrefix(lines[i+2], "@@ ")) {
			continue
		}
		fp := &filePatch{oldHdr: lines[i], newHdr: lines[i+1], leading: lines[start : i+2], hunkLine: i + 3,
			oldName: headerName(lines[i][4:]), newName: headerName(lines[i+1][4:])}
		i += 2
		for i < len(lines) && strings.HasPrefix(lines[i], "@@ ") {
			h, err := parseHunkHeader(lines[i])
			if err != nil {
				return nil, true, fmt.Errorf("malformed patch at line %d: %s", i+1, strings.TrimSuffix(lines[i], "\n"))
			}
			i++
			oldN, newN := 0, 0
			for i < len(lines) && (oldN < h.oldLen || newN < h.newLen || strings.HasPrefix(lines[i], "\\")) {
				l := lines[i]
				switch {
				case strings.HasPrefix(l, "\\"):
					if n := len(h.lines); n > 0 {
						h.lines[n-1].text = strings.TrimSuffix(h.lines[n-1].text, "\n")
					}
				case l == "\n":
					h.lines = append(h.lines, hunkLine{' ', "\n"})
					oldN++
					newN++
				case l[0] == ' ':
					h.lines = append(h.lines, hunkLine{' ', l[1:]})
					oldN++
					newN++
				case l[0] == '-':
					h.lines = append(h.lines, hunkLine{'-', l[1:]})
					oldN++
				case l[0] == '+':
					h.lines = append(h.lines, hunkLine{'+', l[1:]})
					newN++
				default:
					return nil, true, fmt.Errorf("malformed patch at line %d: %s", i+1, strings.TrimSuffix(l, "\n"))
				}
				i++
			}
			if oldN != h.oldLen || newN != h.newLen {
				return nil, true, fmt.Errorf("unexpected end of file in patch")
			}
			fp.hunks = append(fp.hunks, h)
		}
		out = append(out, fp)
		start = i
		i--
	}
	return out, len(lines) > 0, nil
}

// parseContext reads one file's context diff (diff -c) from lines[i] and turns each hunk
// into the unified form the rest applies; it returns the index after it.
func parseContext(lines []string, i, start int) (*filePatch, int, error) {
	fp := &filePatch{oldHdr: "--- " + lines[i][4:], newHdr: "+++ " + lines[i+1][4:], leading: lines[start : i+2],
		hunkLine: i + 4, oldName: headerName(lines[i][4:]), newName: headerName(lines[i+1][4:]), context: true}
	i += 2
	bad := func(i int) error {
		return fmt.Errorf("malformed patch at line %d: %s", i+1, strings.TrimSuffix(lines[min(i, len(lines)-1)], "\n"))
	}
	ctxRange := func(l, open, close string) (int, int, bool) {
		l = strings.TrimRight(l, "\r\n")
		if !strings.HasPrefix(l, open) || !strings.HasSuffix(l, close) {
			return 0, 0, false
		}
		a, b, two := strings.Cut(strings.TrimSpace(l[len(open):len(l)-len(close)]), ",")
		x, err := strconv.Atoi(a)
		if err != nil {
			return 0, 0, false
		}
		if !two {
			if x == 0 {
				return 0, 0, true
			}
			return x, 1, true
		}
		y, err := strconv.Atoi(b)
		if err != nil || y < x-1 {
			return 0, 0, false
		}
		return x, y - x + 1, true
	}
	// part reads the lines of one side up to the next marker.
	part := func(j int, stop func(string) bool) ([]hunkLine, int) {
		var out []hunkLine
		for j < len(lines) && !stop(lines[j]) {
			l := lines[j]
			if strings.HasPrefix(l, "\\") {
				if n := len(out); n > 0 {
					out[n-1].text = strings.TrimSuffix(out[n-1].text, "\n")
				}
			} else if len(l) >= 2 && strings.ContainsRune(" -+!", rune(l[0])) && l[1] == ' ' {
				out = append(out, hunkLine{l[0], l[2:]})
			} else {
				break
			}
			j++
		}
		return out, j
	}
	for i < len(lines) && strings.HasPrefix(lines[i], "***************") {
		i++
		if i >= len(lines) {
			return nil, 0, bad(i)
		}
		h := &hunk{}
		var ok bool
		if h.oldStart, h.oldLen, ok = ctxRange(lines[i], "*** ", " ****"); !ok {
			return nil, 0, bad(i)
		}
		old, j := part(i+1, func(l string) bool { return strings.HasPrefix(l, "--- ") })
		if j >= len(lines) {
			return nil, 0, bad(j)
		}
		if h.newStart, h.newLen, ok = ctxRange(lines[j], "--- ", " ----"); !ok {
			return nil, 0, bad(j)
		}
		neu, k := part(j+1, func(l string) bool { return strings.HasPrefix(l, "***************") })
		switch {
		case len(old) == 0:
			for _, l := range neu {
				h.lines = append(h.lines, hunkLine{map[byte]byte{' ': ' ', '+': '+', '!': '+'}[l.op], l.text})
			}
		case len(neu) == 0:
			for _, l := range old {
				h.lines = append(h.lines, hunkLine{map[byte]byte{' ': ' ', '-': '-', '!': '-'}[l.op], l.text})
			}
		default:
			a, b := 0, 0
			for a < len(old) || b < len(neu) {
				switch {
				case a < len(old) && old[a].op == '-':
					h.lines = append(h.lines, hunkLine{'-', old[a].text})
					a++
				case b < len(neu) && neu[b].op == '+':
					h.lines = append(h.lines, hunkLine{'+', neu[b].text})
					b++
				case a < len(old) && old[a].op == '!' || b < len(neu) && neu[b].op == '!':
					for ; a < len(old) && old[a].op == '!'; a++ {
						h.lines = append(h.lines, hunkLine{'-', old[a].text})
					}
					for ; b < len(neu) && neu[b].op == '!'; b++ {
						h.lines = append(h.lines, hunkLine{'+', neu[b].text})
					}
				case a < len(old) && b < len(neu):
					h.lines = append(h.lines, hunkLine{' ', old[a].text})
					a++
					b++
				default:
					return nil, 0, bad(k)
				}
			}
		}
		oldN, newN := 0, 0
		for _, l := range h.lines {
			if l.op != '+' {
				oldN++
			}
			if l.op != '-' {
				newN++
			}
		}
		// An empty side ("*** 5 ****" with no lines, diff -C0) is numbered by the line
		// before it, as unified diffs number it.
		if oldN == 0 && len(old) == 0 {
			h.oldLen = 0
		}
		if newN == 0 && len(neu) == 0 {
			h.newLen = 0
		}
		if oldN != h.oldLen || newN != h.newLen {
			return nil, 0, bad(k)
		}
		fp.hunks = append(fp.hunks, h)
		i = k
	}
	return fp, i, nil
}

// headerName is the file name of a "--- " or "+++ " line: up to a tab (diff's time stamp).
func headerName(s string) string {
	s = strings.TrimRight(s, "\r\n")
	if i := strings.IndexByte(s, '\t'); i >= 0 {
		s = s[:i]
	}
	return s
}

func parseHunkHeader(l string) (*hunk, error) {
	rest := strings.TrimPrefix(strings.TrimRight(l, "\r\n"), "@@ ")
	end := strings.Index(rest, " @@")
	if end < 0 {
		return nil, errors.New("bad hunk header")
	}
	f := strings.Fields(rest[:end])
	if len(f) != 2 || f[0][0] != '-' || f[1][0] != '+' {
		return nil, errors.New("bad hunk header")
	}
	h := &hunk{header: rest[end+3:]}
	var err1, err2 error
	h.oldStart, h.oldLen, err1 = patchRange(f[0][1:])
	h.newStart, h.newLen, err2 = patchRange(f[1][1:])
	if err1 != nil || err2 != nil {
		return nil, errors.New("bad hunk header")
	}
	return h, nil
}

func patchRange(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, ",")
	start, err := strconv.Atoi(a)
	if err != nil {
		return 0, 0, err
	}
	n := 1
	if ok {
		if n, err = strconv.Atoi(b); err != nil {
			return 0, 0, err
		}
	}
	return start, n, nil
}

func (h *hunk) reversed() *hunk {
	r := &hunk{oldStart: h.newStart, oldLen: h.newLen, newStart: h.oldStart, newLen: h.oldLen, header: h.header}
	for _, l := range h.lines {
		switch l.op {
		case '-':
			l.op = '+'
		case '+':
			l.op = '-'
		}
		r.lines = append(r.lines, l)
	}
	return r
}

func (h *hunk) String() string {
	var b strings.Builder
	rng := func(s, n int) string {
		if n == 1 {
			return strconv.Itoa(s)
		}
		return fmt.Sprintf("%d,%d", s, n)
	}
	fmt.Fprintf(&b, "@@ -%s +%s @@%s\n", rng(h.oldStart, h.oldLen), rng(h.newStart, h.newLen), h.header)
	for _, l := range h.lines {
		b.WriteByte(l.op)
		b.WriteString(l.text)
		if !strings.HasSuffix(l.text, "\n") {
			b.WriteString("\n\\ No newline at end of file\n")
		}
	}
	return b.String()
}

// contextString is the hunk as diff -c writes it: a side is listed when it changes, a
// removal next to an addition marked '!' on both sides.
func (h *hunk) contextString() string {
	var b strings.Builder
	rng := func(s, n int) string {
		switch {
		case n == 0:
			return strconv.Itoa(s)
		case n == 1:
			return strconv.Itoa(s)
		}
		return fmt.Sprintf("%d,%d", s, s+n-1)
	}
	marks := make([]byte, len(h.lines))
	for i := 0; i < len(h.lines); {
		if h.lines[i].op == ' ' {
			marks[i] = ' '
			i++
			continue
		}
		j := i
		for j < len(h.lines) && h.lines[j].op != ' ' {
			j++
		}
		hasDel, hasAdd := false, false
		for k := i; k < j; k++ {
			hasDel = hasDel || h.lines[k].op == '-'
			hasAdd = hasAdd || h.lines[k].op == '+'
		}
		for k := i; k < j; k++ {
			marks[k] = h.lines[k].op
			if hasDel && hasAdd {
				marks[k] = '!'
			}
		}
		i = j
	}
	side := func(drop byte) bool {
		for _, l := range h.lines {
			if l.op != ' ' && l.op != drop {
				return true
			}
		}
		return false
	}
	write := func(drop byte) {
		for i, l := range h.lines {
			if l.op == drop {
				continue
			}
			b.WriteByte(marks[i])
			b.WriteByte(' ')
			b.WriteString(l.text)
			if !strings.HasSuffix(l.text, "\n") {
				b.WriteString("\n\\ No newline at end of file\n")
			}
		}
	}
	b.WriteString("***************\n")
	fmt.Fprintf(&b, "*** %s ****\n", rng(h.oldStart, h.oldLen))
	if side('+') {
		write('+')
	}
	fmt.Fprintf(&b, "--- %s ----\n", rng(h.newStart, h.newLen))
	if side('-') {
		write('-')
	}
	return b.String()
}

// stripName applies -p to a header's name; without -p, the base name.
func stripName(name string, strip int) string {
	if strip < 0 {
		return path.Base(name)
	}
	s := name
	for i := 0; i < strip; i++ {
		j := strings.IndexByte(s, '/')
		if j < 0 {
			return ""
		}
		s = strings.TrimLeft(s[j+1:], "/")
	}
	return s
}

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

// reject writes the hunks that did not apply to name.rej, in unified form.
func (p *patcher) reject(fp *filePatch, name string, hs []*hunk) int {
	var b strings.Builder
	if fp.context {
		b.WriteString("*** " + fp.oldHdr[4:])
		b.WriteString("--- " + fp.newHdr[4:])
	} else {
		b.WriteString(fp.oldHdr)
		b.WriteString(fp.newHdr)
	}
	for _, h := range hs {
		if fp.context {
			b.WriteString(h.contextString())
		} else {
			b.WriteString(h.String())
		}
	}
	if err := os.WriteFile(filepath.Join(p.dir, name+".rej"), []byte(b.String()), 0o644); err != nil {
		p.out.Flush()
		p.env.Errorf("patch", "**** Can't create file %s.rej : %s", name, tools.Reason(err))
		return 2
	}
	return 1
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

func splitLines(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

func (h *hunk) oldLines() []string {
	var out []string
	for _, l := range h.lines {
		if l.op != '+' {
			out = append(out, l.text)
		}
	}
	return out
}

// locate finds where hunk h applies in lines, at or after min, as GNU patch does: fuzz 0
// first over the whole file, then 1 and 2 ignoring as many context lines at each end;
// each search starts at the expected line (the hunk's, moved by the last offset) and goes
// outward, after before before.
func locate(h *hunk, lines []string, min, lastOffset, maxFuzz int) (int, int, bool) {
	return locateFuzz(h, lines, min, lastOffset, 0, maxFuzz)
}

// locateFuzz is locate for the fuzz levels from..to.
func locateFuzz(h *hunk, lines []string, min, lastOffset, from, to int) (int, int, bool) {
	old := h.oldLines()
	prefix, suffix := 0, 0
	for _, l := range h.lines {
		if l.op != ' ' {
			break
		}
		prefix++
	}
	for i := len(h.lines) - 1; i >= 0 && h.lines[i].op == ' '; i-- {
		suffix++
	}
	if prefix == len(h.lines) {
		suffix = 0
	}
	guess := h.oldStart - 1 + lastOffset
	if h.oldLen == 0 {
		guess = h.oldStart + lastOffset
	}
	context := prefix
	if suffix > context {
		context = suffix
	}
	for fuzz := from; fuzz <= to; fuzz++ {
		// GNU patch's rule: the side with less context is held to the file's edge, the
		// one with more gives up fuzz lines first.
		pf, sf := fuzz+prefix-context, fuzz+suffix-context
		edge := func(at, pf, sf int) bool {
			if at < min || at < 0 || at+len(old) > len(lines) {
				return false
			}
			for j := pf; j < len(old)-sf; j++ {
				if lines[at+j] != old[j] {
					return false
				}
			}
			return true
		}
		if pf < 0 && h.oldStart <= 1 {
			// Only at the start of the file (and, with sf < 0 too, as the whole file).
			if sf < 0 && len(old) != len(lines) {
				continue
			}
			if sf < 0 {
				sf = 0
			}
			if edge(0, 0, sf) {
				return 0, fuzz, true
			}
			continue
		}
		if pf < 0 {
			pf = 0
		}
		if sf < 0 {
			// Only at the end of the file.
			if at := len(lines) - len(old); edge(at, pf, 0) {
				return at, fuzz, true
			}
			continue
		}
		match := func(at int) bool {
			if at < min || at > len(lines) || at+len(old)-sf > len(lines) {
				return false
			}
			for j := pf; j < len(old)-sf; j++ {
				if at+j >= len(lines) || lines[at+j] != old[j] {
					return false
				}
			}
			return true
		}
		if match(guess) {
			return guess, fuzz, true
		}
		for off := 1; ; off++ {
			after, before := guess+off <= len(lines), guess-off >= min
			if after && match(guess+off) {
				return guess + off, fuzz, true
			}
			if before && match(guess-off) {
				return guess - off, fuzz, true
			}
			if !after && !before {
				break
			}
		}
	}
	return 0, 0, false
}
