package tools

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func operandsEnv(t *testing.T) (*Env, *bytes.Buffer) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("file"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	return &Env{Stdin: strings.NewReader("stdin"), Stderr: &stderr, Dir: dir}, &stderr
}

func TestOperandsEach(t *testing.T) {
	for _, c := range []struct {
		o          Operands
		ops        []string
		read, errs string
		st         int
	}{
		{Operands{Name: "cat"}, nil, "-=stdin ", "", 0},
		{Operands{Name: "cat"}, []string{"nofile", "d", "-", "f"}, "-=stdin f=file ",
			"cat: nofile: No such file or directory\ncat: d: Is a directory\n", 1},
		{Operands{Name: "head", Lazy: true, OpenError: "cannot open '%s' for reading: %s", ReadError: "error reading '%s': %s"},
			[]string{"nofile", "d", "f"}, "d= f=file ",
			"head: cannot open 'nofile' for reading: No such file or directory\nhead: error reading 'd': Is a directory\n", 1},
		{Operands{Name: "sort", Status: 2}, []string{"f", "nofile"}, "f=file ", "sort: nofile: No such file or directory\n", 2},
		{Operands{Name: "quit"}, []string{"f", "-", "f"}, "f=file stop ", "", 0},
	} {
		env, stderr := operandsEnv(t)
		var read strings.Builder
		flushed := 0
		c.o.Flush = func() error { flushed++; return nil }
		st := c.o.Each(context.Background(), env, c.ops, func(op string, r io.Reader) error {
			if c.o.Name == "quit" && op == "-" {
				read.WriteString("stop ")
				return ErrStop
			}
			b, err := io.ReadAll(r)
			read.WriteString(op + "=" + string(b) + " ")
			return err
		})
		if read.String() != c.read || stderr.String() != c.errs || st != c.st || flushed != strings.Count(c.errs, "\n") {
			t.Errorf("%+v on %q: read %q, said %q (flushed %d), status %d; want %q, %q, %d",
				c.o, c.ops, read.String(), stderr.String(), flushed, st, c.read, c.errs, c.st)
		}
	}
}

func TestOperandsConcat(t *testing.T) {
	env, stderr := operandsEnv(t)
	r, opened, done := Operands{Name: "od", Lazy: true}.Concat(env, []string{"d", "nofile", "-", "f"})
	defer done()
	b, err := io.ReadAll(r)
	if string(b) != "stdinfile" || err != nil || opened != 3 {
		t.Errorf("read %q, %v from %d opened; want stdinfile from 3", b, err, opened)
	}
	want := "od: nofile: No such file or directory\nod: d: Is a directory\n"
	if st := done(); st != 1 || stderr.String() != want {
		t.Errorf("said %q, status %d; want %q, 1", stderr.String(), st, want)
	}
	if _, opened, done := (Operands{Name: "od"}).Concat(env, []string{"d"}); opened != 0 || done() != 1 {
		t.Errorf("Concat of a refused directory opened %d", opened)
	}
}
