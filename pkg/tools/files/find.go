package files

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/userdb"
)

// Find is find: search for files in a directory hierarchy.
var Find = tools.Applet{Name: "find", Summary: "search for files in a directory hierarchy", Run: runFind}

const findUsage = `find [PATH]... [EXPRESSION]
options:  -maxdepth N -mindepth N -depth -xdev -L
tests:    -name PAT -iname PAT -path PAT -ipath PAT -type [fdlpscb] -size [+-]N[ckMG]
          -mtime [+-]N -mmin [+-]N -newer FILE -perm [-/]MODE -user NAME -group NAME
          -empty -true -false
actions:  -print -print0 -exec CMD {} ; -exec CMD {} + -delete -prune -quit
operators: ( EXPR ) ! EXPR  EXPR -a EXPR  EXPR -o EXPR  EXPR , EXPR`

// findNode is one node of a find expression.
type findNode interface {
	eval(f *finder, p string, fi fs.FileInfo) bool
}

type (
	andNode   struct{ l, r findNode }
	orNode    struct{ l, r findNode }
	notNode   struct{ x findNode }
	commaNode struct{ l, r findNode }
	testNode  func(f *finder, p string, fi fs.FileInfo) bool
)

func (n andNode) eval(f *finder, p string, fi fs.FileInfo) bool {
	return n.l.eval(f, p, fi) && n.r.eval(f, p, fi)
}
func (n orNode) eval(f *finder, p string, fi fs.FileInfo) bool {
	return n.l.eval(f, p, fi) || n.r.eval(f, p, fi)
}
func (n notNode) eval(f *finder, p string, fi fs.FileInfo) bool { return !n.x.eval(f, p, fi) }
func (n commaNode) eval(f *finder, p string, fi fs.FileInfo) bool {
	n.l.eval(f, p, fi)
	return n.r.eval(f, p, fi)
}
func (t testNode) eval(f *finder, p string, fi fs.FileInfo) bool { return t(f, p, fi) }

type execBatch struct {
	cmd   []string // with "{}" as the last word removed
	paths []string
	size  int
}

type finder struct {
	ctx                context.Context
	env                *tools.Env
	out                *bufio.Writer
	maxDepth, minDepth int
	depthFirst, xdev   bool
	follow             bool
	prune, quit        bool
	status             int
	now                time.Time
	batches            []*execBatch
	db                 *userdb.DB
	rootDev            uint64
	curAbs             string
}

type findParser struct {
	args    []string
	i       int
	f       *finder
	hasAct  bool
	needDel bool
}

func (p *findParser) peek() string {
	if p.i < len(p.args) {
		return p.args[p.i]
	}
	return ""
}

func (p *findParser) next() (string, error) {
	if p.i >= len(p.args) {
		return "", fmt.Errorf("missing argument to '%s'", p.args[p.i-1])
	}
	p.i++
	return p.args[p.i-1], nil
}

func (p *findParser) parseComma() (findNode, error) {
	l, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	for p.peek() == "," {
		p.i++
		r, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		l = commaNode{l, r}
	}
	return l, nil
}

func (p *findParser) parseOr() (findNode, error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.peek() == "-o" || p.peek() == "-or" {
		p.i++
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = orNode{l, r}
	}
	return l, nil
}

func (p *findParser) parseAnd() (findNode, error) {
	l, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t == "" || t == "-o" || t == "-or" || t == ")" || t == "," {
			return l, nil
		}
		if t == "-a" || t == "-and" {
			p.i++
		}
		r, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		l = andNode{l, r}
	}
}

func (p *findParser) parseNot() (findNode, error) {
	t := p.peek()
	if t == "!" || t == "-not" {
		p.i++
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return notNode{x}, nil
	}
	if t == "(" {
		p.i++
		x, err := p.parseComma()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("invalid expression; I was expecting to find a ')' somewhere but did not see one")
		}
		p.i++
		return x, nil
	}
	if t == "" {
		return nil, fmt.Errorf("invalid expression; expected an expression")
	}
	return p.parsePrimary()
}

// cmpNum parses a find numeric argument: "+N" (more than), "-N" (less than), "N".
func cmpNum(s string) (func(v float64) bool, float64, error) {
	sign := byte(0)
	if s != "" && (s[0] == '+' || s[0] == '-') {
		sign, s = s[0], s[1:]
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, 0, err
	}
	switch sign {
	case '+':
		return func(v float64) bool { return v > n }, n, nil
	case '-':
		return func(v float64) bool { return v < n }, n, nil
	}
	return func(v float64) bool { return v == n }, n, nil
}

func (p *findParser) parsePrimary() (findNode, error) {
	tok, _ := p.next()
	f := p.f
	arg := func() (string, error) { return p.next() }
	switch tok {
	case "-maxdepth", "-mindepth":
		v, err := arg()
		if err != nil {
			return nil, err
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("Expected a positive decimal integer argument to %s, but got '%s'", tok, v)
		}
		if tok == "-maxdepth" {
			f.maxDepth = n
		} else {
			f.minDepth = n
		}
		return testNode(func(*finder, string, fs.FileInfo) bool { return true }), nil
	case "-depth", "-d":
		f.depthFirst = true
		return testNode(func(*finder, string, fs.FileInfo) bool { return true }), nil
	case "-xdev", "-mount":
		f.xdev = true
		return testNode(func(*finder, string, fs.FileInfo) bool { return true }), nil
	case "-follow":
		f.follow = true
		return testNode(func(*finder, string, fs.FileInfo) bool { return true }), nil
	case "-true":
		return testNode(func(*finder, string, fs.FileInfo) bool { return true }), nil
	case "-false":
		return testNode(func(*finder, string, fs.FileInfo) bool { return false }), nil
	case "-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename":
		pat, err := arg()
		if err != nil {
			return nil, err
		}
		fold := tok[1] == 'i'
		if fold {
			pat = strings.ToLower(pat)
		}
		if _, err := path.Match(pat, ""); err != nil {
			return nil, fmt.Errorf("%s: bad pattern '%s'", tok, pat)
		}
		base := tok == "-name" || tok == "-iname"
		return testNode(func(_ *finder, p string, _ fs.FileInfo) bool {
			s := p
			if base {
				s = path.Base(p)
				if p == "/" {
					s = "/"
				}
			}
			if fold {
				s = strings.ToLower(s)
			}
			ok, _ := path.Match(pat, s)
			if !ok && !base && strings.Contains(pat, "*") {
				// find's -path "*" matches "/" too, path.Match's does not.
				ok = globSlash(pat, s)
			}
			return ok
		}), nil
	case "-type", "-xtype":
		v, err := arg()
		if err != nil {
			return nil, err
		}
		var want []fs.FileMode
		for _, c := range strings.Split(v, ",") {
			m, ok := map[string]fs.FileMode{"f": 0, "d": fs.ModeDir, "l": fs.ModeSymlink, "p": fs.ModeNamedPipe,
				"s": fs.ModeSocket, "c": fs.ModeDevice | fs.ModeCharDevice, "b": fs.ModeDevice}[c]
			if !ok {
				return nil, fmt.Errorf("Unknown argument to -type: %s", c)
			}
			want = append(want, m)
		}
		return testNode(func(_ *finder, _ string, fi fs.FileInfo) bool {
			t := fi.Mode().Type()
			for _, m := range want {
				if t == m {
					return true
				}
			}
			return false
		}), nil
	case "-size":
		v, err := arg()
		if err != nil {
			return nil, err
		}
		unit := int64(512)
		if v != "" {
			if u, ok := map[byte]int64{'c': 1, 'w': 2, 'b': 512, 'k': 1024, 'M': 1 << 20, 'G': 1 << 30}[v[len(v)-1]]; ok {
				unit, v = u, v[:len(v)-1]
			}
		}
		c, _, err := cmpNum(v)
		if err != nil {
			return nil, fmt.Errorf("invalid -size argument '%s'", v)
		}
		return testNode(func(_ *finder, _ string, fi fs.FileInfo) bool {
			return c(float64((fi.Size() + unit - 1) / unit))
		}), nil
	case "-mtime", "-mmin", "-atime", "-amin", "-ctime", "-cmin":
		v, err := arg()
		if err != nil {
			return nil, err
		}
		c, _, err := cmpNum(v)
		if err != nil {
			return nil, fmt.Errorf("invalid argument '%s' to '%s'", v, tok)
		}
		unit := 24 * time.Hour
		if strings.HasSuffix(tok, "min") {
			unit = time.Minute
		}
		kind := tok[1]
		return testNode(func(f *finder, _ string, fi fs.FileInfo) bool {
			t := fi.ModTime()
			st := sysStat(fi)
			switch kind {
			case 'a':
				t = tsTime(atim(st))
			case 'c':
				t = tsTime(ctim(st))
			}
			age := f.now.Sub(t)
			if unit == time.Minute {
				return c(math.Ceil(age.Minutes()))
			}
			return c(math.Floor(float64(age) / float64(unit)))
		}), nil
	case "-newer":
		v, err := arg()
		if err != nil {
			return nil, err
		}
		ref, err := os.Stat(f.env.Abs(v))
		if err != nil {
			return nil, fmt.Errorf("'%s': %s", v, tools.Reason(err))
		}
		rt := ref.ModTime()
		return testNode(func(_ *finder, _ string, fi fs.FileInfo) bool { return fi.ModTime().After(rt) }), nil
	case "-perm":
		v, err := arg()
		if err != nil {
			return nil, err
		}
		mode := byte(0)
		if v != "" && (v[0] == '-' || v[0] == '/' || v[0] == '+') {
			mode, v = v[0], v[1:]
		}
		want, err := parseMode(v, 0, true)
		if err != nil {
			return nil, fmt.Errorf("invalid mode '%s'", v)
		}
		return testNode(func(_ *finder, _ string, fi fs.FileInfo) bool {
			have := unixMode(fi.Mode())
			switch mode {
			case '-':
				return have&want == want
			case '/', '+':
				return want == 0 || have&want != 0
			}
			return have == want
		}), nil
	case "-user", "-group", "-uid", "-gid":
		v, err := arg()
		if err != nil {
			return nil, err
		}
		id, err := strconv.Atoi(v)
		if err != nil {
			if f.db == nil {
				f.db = userdb.Load("/")
			}
			found := false
			if tok == "-user" {
				if u, ok := f.db.LookupUser(v); ok {
					id, found = u.UID, true
				}
			} else if g, ok := f.db.LookupGroup(v); ok {
				id, found = g, true
			}
			if !found {
				return nil, fmt.Errorf("'%s' is not the name of a known %s", v, strings.TrimPrefix(tok, "-"))
			}
		}
		group := tok == "-group" || tok == "-gid"
		return testNode(func(_ *finder, _ string, fi fs.FileInfo) bool {
			st := sysStat(fi)
			if group {
				return int(st.Gid) == id
			}
			return int(st.Uid) == id
		}), nil
	case "-empty":
		return testNode(func(f *finder, p string, fi fs.FileInfo) bool {
			if fi.IsDir() {
				d, err := os.Open(f.curAbs)
				if err != nil {
					return false
				}
				defer d.Close()
				names, _ := d.Readdirnames(1)
				return len(names) == 0
			}
			return fi.Mode().IsRegular() && fi.Size() == 0
		}), nil
	case "-print", "-print0":
		p.hasAct = true
		end := byte('\n')
		if tok == "-print0" {
			end = 0
		}
		return testNode(func(f *finder, p string, _ fs.FileInfo) bool {
			f.out.WriteString(p)
			f.out.WriteByte(end)
			return true
		}), nil
	case "-prune":
		return testNode(func(f *finder, _ string, fi fs.FileInfo) bool {
			if fi.IsDir() {
				f.prune = true
			}
			return true
		}), nil
	case "-quit":
		return testNode(func(f *finder, _ string, _ fs.FileInfo) bool { f.quit = true; return true }), nil
	case "-delete":
		p.hasAct = true
		f.depthFirst = true
		return testNode(func(f *finder, p string, fi fs.FileInfo) bool {
			if p == "." {
				return true
			}
			var err error
			if fi.IsDir() {
				err = os.Remove(f.curAbs)
			} else {
				err = os.Remove(f.curAbs)
			}
			if err != nil {
				f.out.Flush()
				f.env.Errorf("find", "cannot delete '%s': %s", p, tools.Reason(err))
				f.status = 1
				return false
			}
			return true
		}), nil
	case "-exec", "-execdir", "-ok":
		p.hasAct = true
		var cmd []string
		for {
			w, err := p.next()
			if err != nil {
				return nil, fmt.Errorf("missing argument to '%s'", tok)
			}
			if w == ";" {
				break
			}
			if w == "+" && len(cmd) > 0 && cmd[len(cmd)-1] == "{}" {
				b := &execBatch{cmd: cmd[:len(cmd)-1]}
				f.batches = append(f.batches, b)
				return testNode(func(f *finder, p string, _ fs.FileInfo) bool {
					b.paths = append(b.paths, p)
					b.size += len(p) + 1
					if b.size > 128<<10 {
						f.flushBatch(b)
					}
					return true
				}), nil
			}
			cmd = append(cmd, w)
		}
		if len(cmd) == 0 {
			return nil, fmt.Errorf("missing argument to '%s'", tok)
		}
		return testNode(func(f *finder, p string, _ fs.FileInfo) bool {
			argv := make([]string, len(cmd))
			for i, w := range cmd {
				argv[i] = strings.ReplaceAll(w, "{}", p)
			}
			f.out.Flush()
			return tools.RunCommand(f.ctx, f.env, argv) == 0
		}), nil
	}
	if strings.HasPrefix(tok, "-") {
		return nil, fmt.Errorf("unknown predicate '%s'", tok)
	}
	return nil, fmt.Errorf("paths must precede expression: '%s'", tok)
}

// globSlash matches a shell pattern where '*' also matches '/', as find -path does.
func globSlash(pat, s string) bool {
	if pat == "" {
		return s == ""
	}
	if pat[0] == '*' {
		for i := 0; i <= len(s); i++ {
			if globSlash(pat[1:], s[i:]) {
				return true
			}
		}
		return false
	}
	// match one element of the pattern with path.Match on a single rune/class
	end := 1
	if pat[0] == '[' {
		if j := strings.IndexByte(pat[1:], ']'); j >= 0 {
			end = j + 2
		}
	} else if pat[0] == '\\' && len(pat) > 1 {
		end = 2
	}
	if s == "" {
		return false
	}
	ok, _ := path.Match(pat[:end], s[:1])
	return ok && globSlash(pat[end:], s[1:])
}

func (f *finder) flushBatch(b *execBatch) {
	if len(b.paths) == 0 {
		return
	}
	f.out.Flush()
	if tools.RunCommand(f.ctx, f.env, append(append([]string{}, b.cmd...), b.paths...)) != 0 {
		f.status = 1
	}
	b.paths, b.size = b.paths[:0], 0
}

func runFind(ctx context.Context, env *tools.Env, args []string) int {
	if tools.WantsHelp(args) {
		return tools.Usage(env, findUsage)
	}
	a := args[1:]
	var roots []string
	for len(a) > 0 && (!strings.HasPrefix(a[0], "-") || a[0] == "-") && a[0] != "(" && a[0] != "!" {
		roots = append(roots, a[0])
		a = a[1:]
	}
	// -H/-L/-P may come first.
	follow := false
	for len(roots) == 0 && len(a) > 0 && (a[0] == "-L" || a[0] == "-H" || a[0] == "-P") {
		follow = a[0] == "-L"
		a = a[1:]
		for len(a) > 0 && !strings.HasPrefix(a[0], "-") && a[0] != "(" && a[0] != "!" {
			roots = append(roots, a[0])
			a = a[1:]
		}
	}
	if len(roots) == 0 {
		roots = []string{"."}
	}
	out := bufio.NewWriterSize(env.Stdout, 64<<10)
	defer out.Flush()
	f := &finder{ctx: ctx, env: env, out: out, maxDepth: -1, now: time.Now(), follow: follow}
	p := &findParser{args: a, f: f}
	var expr findNode = testNode(func(*finder, string, fs.FileInfo) bool { return true })
	if len(a) > 0 {
		e, err := p.parseComma()
		if err == nil && p.i < len(a) {
			err = fmt.Errorf("unexpected '%s'", a[p.i])
		}
		if err != nil {
			env.Errorf("find", "%v", err)
			return 1
		}
		expr = e
	}
	if !p.hasAct {
		expr = andNode{expr, testNode(func(f *finder, p string, _ fs.FileInfo) bool {
			f.out.WriteString(p)
			f.out.WriteByte('\n')
			return true
		})}
	}
	for _, r := range roots {
		if f.quit || ctx.Err() != nil {
			break
		}
		abs := env.Abs(r)
		var fi fs.FileInfo
		var err error
		if f.follow {
			fi, err = os.Stat(abs)
		} else {
			fi, err = os.Lstat(abs)
		}
		if err != nil {
			out.Flush()
			env.Errorf("find", "'%s': %s", r, tools.Reason(err))
			f.status = 1
			continue
		}
		f.rootDev = uint64(sysStat(fi).Dev)
		f.walk(expr, r, abs, fi, 0)
	}
	for _, b := range f.batches {
		f.flushBatch(b)
	}
	if ctx.Err() != nil {
		return 130
	}
	return f.status
}

func (f *finder) walk(expr findNode, p, abs string, fi fs.FileInfo, depth int) {
	if f.quit || f.ctx.Err() != nil {
		return
	}
	visit := func() {
		if depth >= f.minDepth && (f.maxDepth < 0 || depth <= f.maxDepth) {
			f.curAbs = abs
			expr.eval(f, p, fi)
		}
	}
	f.prune = false
	if !f.depthFirst {
		visit()
	}
	descend := fi.IsDir() && !f.prune && (f.maxDepth < 0 || depth < f.maxDepth) &&
		!(f.xdev && uint64(sysStat(fi).Dev) != f.rootDev)
	f.prune = false
	if descend {
		d, err := os.Open(abs)
		if err != nil {
			f.out.Flush()
			f.env.Errorf("find", "'%s': %s", p, tools.Reason(err))
			f.status = 1
		} else {
			names, err := d.Readdirnames(-1)
			d.Close()
			if err != nil {
				f.out.Flush()
				f.env.Errorf("find", "'%s': %s", p, tools.Reason(err))
				f.status = 1
			}
			sortStrings(names)
			for _, n := range names {
				if f.quit || f.ctx.Err() != nil {
					return
				}
				cp := p + "/" + n
				if strings.HasSuffix(p, "/") {
					cp = p + n
				}
				ca := abs + "/" + n
				var cfi fs.FileInfo
				if f.follow {
					cfi, err = os.Stat(ca)
					if err != nil {
						cfi, err = os.Lstat(ca)
					}
				} else {
					cfi, err = os.Lstat(ca)
				}
				if err != nil {
					f.out.Flush()
					f.env.Errorf("find", "'%s': %s", cp, tools.Reason(err))
					f.status = 1
					continue
				}
				f.walk(expr, cp, ca, cfi, depth+1)
			}
		}
	}
	if f.depthFirst {
		visit()
	}
}
