package shell

import (
	"context"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// '. FILE' and 'source FILE' are the interpreter's, which parses and runs FILE itself:
// no handler would know FILE's name, which ash's messages from inside it carry
// ("$0: FILE: line N: ..."), and the parser reads the file as it is, not as ash lexes it
// (ashLexing). The shell records FILE for its runner while the interpreter's source runs
// it (sourceNames), and gives the source the file's text as ashLexing rewrites it
// (openSourced).

// sourcing are the files being sourced, innermost last, by runner; and the runners whose
// next file opened is the one their source reads.
type sourcing struct {
	mu      sync.Mutex
	files   map[uintptr][]string
	reading map[uintptr]bool
}

func (s *sourcing) push(id uintptr, file string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.files == nil {
		s.files, s.reading = map[uintptr][]string{}, map[uintptr]bool{}
	}
	s.files[id] = append(s.files[id], file)
	s.reading[id] = true
}

// takeReading reports whether runner id is about to read the file it sources, once.
func (s *sourcing) takeReading(id uintptr) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.reading[id]
	delete(s.reading, id)
	return r
}

func (s *sourcing) pop(id uintptr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.reading, id) // not found: no file was read
	if l := s.files[id]; len(l) > 1 {
		s.files[id] = l[:len(l)-1]
	} else {
		delete(s.files, id)
	}
}

// current is the innermost file runner id is sourcing, or "".
func (s *sourcing) current(id uintptr) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.files[id]; len(l) > 0 {
		return l[len(l)-1]
	}
	return ""
}

// sourceNames wraps each '. FILE' (source, command .) of node in
// '{ sourcePush FILE; . FILE; sourcePop; }' (not when FILE holds a command substitution,
// which would run twice).
func sourceNames(node syntax.Node) {
	syntax.Walk(node, func(n syntax.Node) bool {
		st, ok := n.(*syntax.Stmt)
		if !ok {
			return true
		}
		c, ok := st.Cmd.(*syntax.CallExpr)
		if !ok || len(c.Args) < 2 {
			return true
		}
		file := c.Args[1]
		if c.Args[0].Lit() == "command" && len(c.Args) > 2 {
			file = c.Args[2]
			if l := c.Args[1].Lit(); l != "." && l != "source" {
				return true
			}
		} else if l := c.Args[0].Lit(); l != "." && l != "source" {
			return true
		}
		if hasCmdSubst(file) {
			return true
		}
		pos := st.Pos()
		call := func(args ...*syntax.Word) *syntax.Stmt {
			return &syntax.Stmt{Position: pos, Cmd: &syntax.CallExpr{Args: args}}
		}
		inner := &syntax.Stmt{Position: pos, Cmd: c}
		st.Cmd = &syntax.Block{Lbrace: pos, Rbrace: pos, Stmts: []*syntax.Stmt{
			call(litAt(internalPrefix+"sourcePush", pos), file), inner, call(litAt(internalPrefix+"sourcePop", pos)),
		}}
		return false
	})
}

func hasCmdSubst(w *syntax.Word) bool {
	found := false
	syntax.Walk(w, func(n syntax.Node) bool {
		switch n.(type) {
		case *syntax.CmdSubst, *syntax.ProcSubst, *syntax.ArithmExp:
			found = true
		}
		return !found
	})
	return found
}

// builtinSourcePush records FILE as the file its runner sources (see sourceNames).
func builtinSourcePush(_ context.Context, s *Shell, hc interp.HandlerContext, _ *tools.Env, args []string) error {
	if len(args) > 1 {
		s.sourcing.push(runnerID(hc), args[1])
	}
	return exitError(hc.LastExitStatus)
}

// builtinSourcePop ends what builtinSourcePush started; $? stays.
func builtinSourcePop(_ context.Context, s *Shell, hc interp.HandlerContext, _ *tools.Env, _ []string) error {
	s.sourcing.pop(runnerID(hc))
	return exitError(hc.LastExitStatus)
}

// openSourced is the text of the file at path, which a source is about to parse, as
// ashLexing rewrites it (bytes that are not UTF-8, backslash-newlines).
func openSourced(ctx context.Context, path string) (io.ReadWriteCloser, error) {
	f, err := interp.DefaultOpenHandler()(ctx, path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return nil, err
	}
	src, _ := ashLexing(string(b))
	return sourceText{strings.NewReader(src)}, nil
}

// sourceText is a file's text for the interpreter's source, which only reads it.
type sourceText struct{ *strings.Reader }

func (sourceText) Write([]byte) (int, error) { return 0, syscall.EBADF }
func (sourceText) Close() error              { return nil }
