package text

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// Diff is diff: compare files line by line.
var Diff = tools.Applet{Name: "diff", Summary: "compare files line by line", Run: runDiff}

// editOp is one line of an edit script: ' ' same, '-' only in a, '+' only in b.
type editOp struct {
	kind byte
	a, b int // line indexes in a and b
}

// myers computes a shortest edit script between a and b (Myers' O(ND) algorithm).
func myers(ctx context.Context, a, b []string) []editOp {
	// Trim the common prefix and suffix first: typical diffs are small.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	n, m := len(ma), len(mb)
	max := n + m
	v := make([]int, 2*max+2)
	var trace [][]int
	found := false
	for d := 0; d <= max && !found; d++ {
		if ctx.Err() != nil {
			break
		}
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[max+k-1] < v[max+k+1] {
				x = v[max+k+1]
			} else {
				x = v[max+k-1] + 1
			}
			y := x - k
			for x < n && y < m && ma[x] == mb[y] {
				x++
				y++
			}
			v[max+k] = x
			if x >= n && y >= m {
				found = true
				trace = append(trace, append([]int(nil), v...))
				break
			}
		}
	}
	// Backtrack.
	var rev []editOp
	x, y := n, m
	for d := len(trace) - 2; d >= 0 && (x > 0 || y > 0); d-- {
		vd := trace[d]
		k := x - y
		var pk int
		if k == -d || k != d && vd[max+k-1] < vd[max+k+1] {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := vd[max+pk]
		py := px - pk
		for x > px && y > py {
			x--
			y--
			rev = append(rev, editOp{' ', x, y})
		}
		if d > 0 {
			if x == px {
				y--
				rev = append(rev, editOp{'+', x, y})
			} else {
				x--
				rev = append(rev, editOp{'-', x, y})
			}
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, editOp{' ', x, y})
	}
	ops := make([]editOp, 0, len(rev)+pre+suf)
	for i := 0; i < pre; i++ {
		ops = append(ops, editOp{' ', i, i})
	}
	for i := len(rev) - 1; i >= 0; i-- {
		o := rev[i]
		ops = append(ops, editOp{o.kind, o.a + pre, o.b + pre})
	}
	for i := 0; i < suf; i++ {
		ops = append(ops, editOp{' ', len(a) - suf + i, len(b) - suf + i})
	}
	return ops
}

type diffOpts struct {
	unified, brief, recursive, newFile, ignoreCase, ignoreSpace, ignoreAllSpace bool
	ignoreBlank                                                                 bool // -B
	context                                                                     int
	labels                                                                      []string
	rawFlags                                                                    string // as given, for "diff -ru a b" headers
}

func splitKeep(data []byte) ([]string, bool) {
	if len(data) == 0 {
		return nil, false
	}
	noEOL := data[len(data)-1] != '\n'
	s := strings.TrimSuffix(string(data), "\n")
	return strings.Split(s, "\n"), noEOL
}

func runDiff(ctx context.Context, env *tools.Env, args []string) int {
	var o diffOpts
	fset := gnuflag.New("diff", `diff [-uqrNiwb] [-U N] [--label L] FILE1 FILE2
  -u / -U N unified format with N lines of context  -q only say whether files differ
  -r recurse into directories  -N absent files are empty  -i ignore case  -w ignore all space
  -b ignore changes in the amount of space  -B ignore changes whose lines are all blank.  Exit status: 0 same, 1 different, 2 trouble.`)
	fset.BoolFunc('u', "", func() { o.unified = true; o.context = 3 })
	fset.Func('U', "unified", func(v string) error {
		o.unified = true
		_, err := fmt.Sscanf(v, "%d", &o.context)
		return err
	})
	fset.BoolFunc('q', "brief", func() { o.brief = true })
	fset.BoolFunc('r', "recursive", func() { o.recursive = true })
	fset.BoolFunc('N', "new-file", func() { o.newFile = true })
	fset.BoolFunc('i', "ignore-case", func() { o.ignoreCase = true })
	fset.BoolFunc('w', "ignore-all-space", func() { o.ignoreAllSpace = true })
	fset.BoolFunc('b', "ignore-space-change", func() { o.ignoreSpace = true })
	fset.BoolFunc('B', "ignore-blank-lines", func() { o.ignoreBlank = true })
	fset.Func(0, "label", func(v string) error { o.labels = append(o.labels, v); return nil })
	fset.Bool('a', "text")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) != 2 {
		env.Errorf("diff", "missing operand after '%s'\ndiff: Try 'diff --help' for more information.", strings.Join(ops, " "))
		return 2
	}
	for _, a := range args[1:] {
		if strings.HasPrefix(a, "-") && a != "-" {
			o.rawFlags += a + " "
		}
	}
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer w.Flush()
	a, b := ops[0], ops[1]
	fa, erra := os.Stat(env.Abs(a))
	fb, errb := os.Stat(env.Abs(b))
	if erra == nil && errb == nil {
		switch {
		case fa.IsDir() && fb.IsDir():
			return diffDirs(ctx, env, w, &o, a, b)
		case fa.IsDir():
			a = diffJoin(a, filepath.Base(b))
		case fb.IsDir():
			b = diffJoin(b, filepath.Base(a))
		}
	}
	return diffFiles(ctx, env, w, &o, a, b, "")
}

// readForDiff reads a file to compare; walked says it was met in a tree (diff -r), where
// only a regular file is read (a FIFO is never opened, one swapped in is refused), where a
// file named on the command line is read whatever it is, as GNU diff does.
func readForDiff(env *tools.Env, name string, newFile, walked bool) ([]byte, time.Time, bool, error) {
	if name == "-" {
		b, err := io.ReadAll(env.Stdin)
		return b, time.Now(), true, err
	}
	p := env.Abs(name)
	var b []byte
	var err error
	if walked {
		var f *os.File
		if f, err = tools.OpenRegular(p, nil); err == nil {
			b, err = io.ReadAll(f)
			f.Close()
		}
	} else {
		b, err = os.ReadFile(p)
	}
	if err != nil {
		if newFile && os.IsNotExist(err) {
			return nil, time.Unix(0, 0), false, nil
		}
		return nil, time.Time{}, false, err
	}
	fi, _ := os.Stat(p)
	return b, fi.ModTime(), true, nil
}

func (o *diffOpts) norm(s string) string {
	if o.ignoreCase {
		s = strings.ToLower(s)
	}
	if o.ignoreAllSpace {
		s = strings.Join(strings.Fields(s), "")
	} else if o.ignoreSpace {
		s = strings.Join(strings.Fields(s), " ")
	}
	return s
}

func diffFiles(ctx context.Context, env *tools.Env, w *bufio.Writer, o *diffOpts, a, b, header string) int {
	// One file compared with itself (- and -, or two names of one file) is not read at
	// all, as GNU diff does: standard input is left for the next reader.
	if a == "-" && b == "-" {
		return 0
	}
	if fa, err := os.Stat(env.Abs(a)); err == nil && a != "-" && b != "-" {
		if fb, err := os.Stat(env.Abs(b)); err == nil && os.SameFile(fa, fb) {
			return 0
		}
	}
	da, ta, _, err := readForDiff(env, a, o.newFile, header != "")
	if err != nil {
		w.Flush()
		env.Errorf("diff", "%s: %s", a, tools.Reason(err))
		return 2
	}
	db, tb, _, err := readForDiff(env, b, o.newFile, header != "")
	if err != nil {
		w.Flush()
		env.Errorf("diff", "%s: %s", b, tools.Reason(err))
		return 2
	}
	if bytes.Equal(da, db) {
		return 0
	}
	ignoring := o.ignoreBlank || o.ignoreCase || o.ignoreSpace || o.ignoreAllSpace
	if o.brief && !ignoring {
		fmt.Fprintf(w, "Files %s and %s differ\n", a, b)
		return 1
	}
	if bytes.IndexByte(da[:min(len(da), 8192)], 0) >= 0 || bytes.IndexByte(db[:min(len(db), 8192)], 0) >= 0 {
		fmt.Fprintf(w, "Binary files %s and %s differ\n", a, b)
		return 1
	}
	la, noEOLa := splitKeep(da)
	lb, noEOLb := splitKeep(db)
	ka, kb := la, lb
	if o.ignoreCase || o.ignoreSpace || o.ignoreAllSpace {
		ka, kb = make([]string, len(la)), make([]string, len(lb))
		for i, s := range la {
			ka[i] = o.norm(s)
		}
		for i, s := range lb {
			kb[i] = o.norm(s)
		}
	}
	ops := myers(ctx, ka, kb)
	changed := false
	for _, op := range ops {
		if op.kind != ' ' {
			changed = true
			break
		}
	}
	if !changed && noEOLa == noEOLb {
		return 0
	}
	if !changed {
		// Only the final newline differs: show the last line as changed.
		n := len(ops) - 1
		ops[n] = editOp{'-', ops[n].a, ops[n].b}
		ops = append(ops, editOp{'+', len(la) - 1, len(lb) - 1})
	}
	// -B: a change whose lines are all empty is left out, as GNU diff does, unless a hunk
	// holds it beside a change that is not.
	real := func(from, to int) bool { return true }
	var blank []bool
	if o.ignoreBlank {
		blank = blankChanges(ops, la, lb)
		real = func(from, to int) bool {
			for k := from; k < to; k++ {
				if ops[k].kind != ' ' && !blank[k] {
					return true
				}
			}
			return false
		}
		if !real(0, len(ops)) {
			return 0
		}
	}
	if o.brief { // -q with -B, -i, -b or -w: what is left is a difference
		fmt.Fprintf(w, "Files %s and %s differ\n", a, b)
		return 1
	}
	if header != "" {
		w.WriteString(header + "\n")
	}
	line := func(prefix string, s string, noEOL bool) {
		w.WriteString(prefix)
		w.WriteString(s)
		w.WriteByte('\n')
		if noEOL {
			w.WriteString("\\ No newline at end of file\n")
		}
	}
	lastA := func(i int) bool { return noEOLa && i == len(la)-1 }
	lastB := func(i int) bool { return noEOLb && i == len(lb)-1 }
	if o.unified {
		la0, lb0 := a, b
		if len(o.labels) > 0 {
			la0 = o.labels[0]
		} else {
			la0 += "\t" + ta.Format("2006-01-02 15:04:05.000000000 -0700")
		}
		if len(o.labels) > 1 {
			lb0 = o.labels[1]
		} else {
			lb0 += "\t" + tb.Format("2006-01-02 15:04:05.000000000 -0700")
		}
		fmt.Fprintf(w, "--- %s\n+++ %s\n", la0, lb0)
		for i := 0; i < len(ops); {
			if ops[i].kind == ' ' {
				i++
				continue
			}
			// hunk: from context before the first change to context after the last one
			start := max(i-o.context, 0)
			end := i
			for end < len(ops) {
				if ops[end].kind != ' ' {
					end++
					continue
				}
				j := end
				for j < len(ops) && ops[j].kind == ' ' {
					j++
				}
				// GNU diff joins the next change within 2*N lines, an ignorable one
				// (-B) only within fewer than N.
				limit := 2 * o.context
				if j < len(ops) && blank != nil && blank[j] {
					limit = o.context - 1
				}
				if j < len(ops) && j-end <= limit {
					end = j
					continue
				}
				end = min(end+o.context, len(ops))
				break
			}
			var ca, cb, sa, sb int
			sa, sb = -1, -1
			for _, op := range ops[start:end] {
				if op.kind != '+' {
					ca++
					if sa < 0 {
						sa = op.a
					}
				}
				if op.kind != '-' {
					cb++
					if sb < 0 {
						sb = op.b
					}
				}
			}
			if sa < 0 {
				sa = ops[start].a - 1
				if sa < 0 {
					sa = 0
				} else {
					sa++
				}
			} else {
				sa++
			}
			if sb < 0 {
				sb = ops[start].b - 1
				if sb < 0 {
					sb = 0
				} else {
					sb++
				}
			} else {
				sb++
			}
			if !real(start, end) {
				i = end
				continue
			}
			fmt.Fprintf(w, "@@ -%s +%s @@\n", hunkRange(sa, ca), hunkRange(sb, cb))
			for _, op := range ops[start:end] {
				switch op.kind {
				case ' ':
					line(" ", la[op.a], lastA(op.a) && lastB(op.b))
				case '-':
					line("-", la[op.a], lastA(op.a))
				case '+':
					line("+", lb[op.b], lastB(op.b))
				}
			}
			i = end
		}
		return 1
	}
	// normal format
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		j := i
		var dels, adds []editOp
		for j < len(ops) && ops[j].kind != ' ' {
			if ops[j].kind == '-' {
				dels = append(dels, ops[j])
			} else {
				adds = append(adds, ops[j])
			}
			j++
		}
		rangeStr := func(lo, hi int) string {
			if lo == hi {
				return fmt.Sprint(lo)
			}
			return fmt.Sprintf("%d,%d", lo, hi)
		}
		if !real(i, j) {
			i = j
			continue
		}
		// position before the change in each file
		pa, pb := ops[i].a, ops[i].b
		switch {
		case len(adds) == 0:
			fmt.Fprintf(w, "%sd%d\n", rangeStr(dels[0].a+1, dels[len(dels)-1].a+1), pb)
		case len(dels) == 0:
			fmt.Fprintf(w, "%da%s\n", pa, rangeStr(adds[0].b+1, adds[len(adds)-1].b+1))
		default:
			fmt.Fprintf(w, "%sc%s\n", rangeStr(dels[0].a+1, dels[len(dels)-1].a+1), rangeStr(adds[0].b+1, adds[len(adds)-1].b+1))
		}
		for _, d := range dels {
			line("< ", la[d.a], lastA(d.a))
		}
		if len(dels) > 0 && len(adds) > 0 {
			w.WriteString("---\n")
		}
		for _, a := range adds {
			line("> ", lb[a.b], lastB(a.b))
		}
		i = j
	}
	return 1
}

// sameDevice reports whether a and b are device nodes of one type and one device number,
// which GNU diff takes as equal.
func sameDevice(a, b fs.FileInfo) bool {
	dev := fs.ModeDevice | fs.ModeCharDevice
	if a.Mode()&dev == 0 || a.Mode().Type() != b.Mode().Type() {
		return false
	}
	sa, oka := a.Sys().(*syscall.Stat_t)
	sb, okb := b.Sys().(*syscall.Stat_t)
	return oka && okb && sa.Rdev == sb.Rdev
}

// blankChanges marks the ops of every change (a run of ops other than ' ') whose lines,
// deleted and added, are all empty.
func blankChanges(ops []editOp, la, lb []string) []bool {
	blank := make([]bool, len(ops))
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		j, all := i, true
		for ; j < len(ops) && ops[j].kind != ' '; j++ {
			if ops[j].kind == '-' && la[ops[j].a] != "" || ops[j].kind == '+' && lb[ops[j].b] != "" {
				all = false
			}
		}
		for k := i; k < j; k++ {
			blank[k] = all
		}
		i = j
	}
	return blank
}

func hunkRange(start, n int) string {
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}

// diffJoin names the file name in directory dir as GNU diff does (gnulib's
// file_name_concat): dir as given, its trailing slashes but one dropped, so that
// "diff -r .///a b////" compares .///a/x with b/x.
func diffJoin(dir, name string) string {
	d := strings.TrimRight(dir, "/")
	if d == "" {
		return dir + name
	}
	return d + "/" + name
}

func diffDirs(ctx context.Context, env *tools.Env, w *bufio.Writer, o *diffOpts, a, b string) int {
	names := map[string]bool{}
	for _, d := range []string{a, b} {
		ents, err := os.ReadDir(env.Abs(d))
		if err != nil {
			w.Flush()
			env.Errorf("diff", "%s: %s", d, tools.Reason(err))
			return 2
		}
		for _, e := range ents {
			names[e.Name()] = true
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	st := 0
	for _, n := range sorted {
		if ctx.Err() != nil {
			return 2
		}
		pa, pb := diffJoin(a, n), diffJoin(b, n)
		fa, erra := os.Stat(env.Abs(pa))
		fb, errb := os.Stat(env.Abs(pb))
		var s int
		// -N makes an absent file empty only beside a regular file: GNU diff names a FIFO,
		// socket or device alone in one tree as it does without -N.
		special := func(fi fs.FileInfo, err error) bool {
			return err == nil && !fi.Mode().IsRegular() && !fi.IsDir()
		}
		switch {
		case erra != nil && (!o.newFile || special(fb, errb)):
			fmt.Fprintf(w, "Only in %s: %s\n", b, n)
			s = 1
		case errb != nil && (!o.newFile || special(fa, erra)):
			fmt.Fprintf(w, "Only in %s: %s\n", a, n)
			s = 1
		case erra == nil && errb == nil && fa.IsDir() && fb.IsDir():
			if o.recursive {
				s = diffDirs(ctx, env, w, o, pa, pb)
			} else {
				fmt.Fprintf(w, "Common subdirectories: %s and %s\n", pa, pb)
			}
		case erra == nil && errb == nil && fa.IsDir() != fb.IsDir():
			fmt.Fprintf(w, "File %s is a %s while file %s is a %s\n", pa, tools.FileType(fa), pb, tools.FileType(fb))
			s = 1
		case erra == nil && errb == nil && (!fa.Mode().IsRegular() || !fb.Mode().IsRegular()):
			// A FIFO, socket or device met in the tree is compared by type (and device
			// number), never opened: GNU diff -r says so, and a FIFO would block for ever.
			if sameDevice(fa, fb) {
				continue
			}
			fmt.Fprintf(w, "File %s is a %s while file %s is a %s\n", pa, tools.FileType(fa), pb, tools.FileType(fb))
			s = 1
		default:
			hdr := "diff " + o.rawFlags + pa + " " + pb
			s = diffFiles(ctx, env, w, o, pa, pb, hdr)
		}
		st = max(st, s)
	}
	return st
}
