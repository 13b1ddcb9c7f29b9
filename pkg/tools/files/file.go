package files

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools/gnuflag"
)

// File is file: determine file type.
var File = tools.Applet{Name: "file", Summary: "determine file type", Run: runFile}

func runFile(_ context.Context, env *tools.Env, args []string) int {
	fset := gnuflag.New("file", "file [-bL] FILE...")
	brief := fset.Bool('b', "brief")
	deref := fset.Bool('L', "dereference")
	ops, rc := fset.Parse(env, args[1:])
	if rc >= 0 {
		return rc
	}
	if len(ops) == 0 {
		env.Errorf("file", "missing operand")
		return 2
	}
	for _, op := range ops {
		desc := describeFile(env.Abs(op), *deref)
		if *brief {
			fmt.Fprintln(env.Stdout, desc)
		} else {
			fmt.Fprintf(env.Stdout, "%s: %s\n", op, desc)
		}
	}
	return 0
}

// describeFile says what kind of file p is, in the words of file(1).
func describeFile(p string, deref bool) string {
	var fi fs.FileInfo
	var err error
	if deref {
		fi, err = os.Stat(p)
	} else {
		fi, err = os.Lstat(p)
	}
	if err != nil {
		return fmt.Sprintf("cannot open `%s' (%s)", p, tools.Reason(err))
	}
	m := fi.Mode()
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		t, _ := os.Readlink(p)
		if _, err := os.Stat(p); err != nil {
			return "broken symbolic link to " + t
		}
		return "symbolic link to " + t
	case m&fs.ModeNamedPipe != 0:
		return "fifo (named pipe)"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		s := sysStat(fi)
		kind := "block"
		if m&fs.ModeCharDevice != 0 {
			kind = "character"
		}
		return fmt.Sprintf("%s special (%d/%d)", kind, major(uint64(s.Rdev)), minor(uint64(s.Rdev)))
	}
	f, err := os.Open(p)
	if err != nil {
		return fmt.Sprintf("cannot open `%s' (%s)", p, tools.Reason(err))
	}
	defer f.Close()
	head := make([]byte, 8192)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if n == 0 {
		return "empty"
	}
	exec := m&0o111 != 0
	switch {
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return describeELF(f)
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return "gzip compressed data"
	case len(head) > 262 && (string(head[257:262]) == "ustar"):
		return "POSIX tar archive"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return "Zip archive data"
	case bytes.HasPrefix(head, []byte("BZh")):
		return "bzip2 compressed data"
	case bytes.HasPrefix(head, []byte("\xfd7zXZ\x00")):
		return "XZ compressed data"
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return "Zstandard compressed data"
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "PNG image data"
	case bytes.HasPrefix(head, []byte{0xff, 0xd8, 0xff}):
		return "JPEG image data"
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return "PDF document"
	case bytes.HasPrefix(head, []byte("-----BEGIN CERTIFICATE-----")):
		return "PEM certificate"
	case bytes.HasPrefix(head, []byte("-----BEGIN ")) && bytes.Contains(head[:min(len(head), 40)], []byte("PRIVATE KEY")):
		return "PEM private key"
	}
	text := textKind(head)
	if bytes.HasPrefix(head, []byte("#!")) {
		line, _, _ := bytes.Cut(head[2:], []byte("\n"))
		interp := strings.Fields(string(line))
		kind := "script"
		if len(interp) > 0 {
			base := interp[0][strings.LastIndexByte(interp[0], '/')+1:]
			if base == "env" && len(interp) > 1 {
				base = interp[1]
			}
			switch {
			case base == "sh" || base == "dash" || base == "ash":
				kind = "POSIX shell script"
			case base == "bash":
				kind = "Bourne-Again shell script"
			case strings.HasPrefix(base, "python"):
				kind = "Python script"
			case strings.HasPrefix(base, "perl"):
				kind = "Perl script"
			default:
				kind = "a " + strings.Join(interp, " ") + " script"
			}
		}
		if text == "" {
			text = "data"
		}
		s := kind + ", " + text
		if exec {
			s += " executable"
		}
		return s
	}
	if text == "" {
		return "data"
	}
	return text
}

// textKind returns "ASCII text", "UTF-8 Unicode text" or "" for binary data.
func textKind(b []byte) string {
	ascii := true
	for _, c := range b {
		if c == 0 || (c < 32 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\b' && c != 0x1b) {
			return ""
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	if ascii {
		return "ASCII text"
	}
	// A multi-byte sequence may be cut at the end of the sample.
	for len(b) > 0 && !utf8.Valid(b) && len(b) > 4 && !utf8.Valid(b[:len(b)-3]) {
		return "ISO-8859 text"
	}
	return "Unicode text, UTF-8 text"
}

func describeELF(r io.ReaderAt) string {
	f, err := readELF(r)
	if err != nil {
		return "ELF (corrupt: " + err.Error() + ")"
	}
	var b strings.Builder
	bits := "32-bit"
	if f.is64 {
		bits = "64-bit"
	}
	order := "LSB"
	if f.msb {
		order = "MSB"
	}
	interp, dynamic := f.interp, f.dynamic
	kind := "executable"
	switch f.typ {
	case etDyn:
		kind = "shared object"
		if f.pie {
			kind = "pie executable"
		}
	case etRel:
		kind = "relocatable"
	case etCore:
		kind = "core file"
	}
	arch := map[uint16]string{
		62: "x86-64", 3: "Intel 80386", 183: "ARM aarch64", 40: "ARM",
		243: "UCB RISC-V", 22: "IBM S/390", 21: "64-bit PowerPC or cisco 7500",
		8: "MIPS", 258: "LoongArch",
	}[f.machine]
	if arch == "" {
		arch = fmt.Sprintf("machine %d", f.machine)
	}
	fmt.Fprintf(&b, "ELF %s %s %s, %s, version %d (%s)", bits, order, kind, arch, f.version,
		map[byte]string{0: "SYSV", 3: "GNU/Linux"}[f.osabi])
	switch {
	case interp != "" || dynamic && f.typ == etDyn && kind == "shared object":
		b.WriteString(", dynamically linked")
	case dynamic && interp == "" && f.typ == etDyn:
		b.WriteString(", static-pie linked")
	case f.typ == etExec || f.typ == etDyn:
		b.WriteString(", statically linked")
	}
	if interp != "" {
		b.WriteString(", interpreter " + interp)
	}
	if f.sections[".note.go.buildid"] {
		b.WriteString(", Go BuildID")
	}
	if f.sections[".symtab"] {
		b.WriteString(", not stripped")
	} else if f.typ != etRel {
		b.WriteString(", stripped")
	}
	return b.String()
}
