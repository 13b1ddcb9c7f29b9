package archive

import (
	"compress/bzip2"
	"context"
	"io"

	dsbzip2 "github.com/dsnet/compress/bzip2"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Bzip2 is bzip2 [-cdzkft1-9] [FILE]...: compress or decompress .bz2 files, with bzip2's
// messages and statuses. The standard library decodes (compress/bzip2, which tar -j
// uses too); github.com/dsnet/compress/bzip2 encodes, the standard library having no
// encoder. bunzip2 is bzip2 -d, bzcat is bzip2 -dc.
var Bzip2 = tools.Applet{Name: "bzip2", Summary: "compress or decompress .bz2 files", Run: runBzip2}

// Bunzip2 is bunzip2: decompress .bz2 files.
var Bunzip2 = tools.Applet{Name: "bunzip2", Summary: "decompress .bz2 files", Run: runBzip2}

// Bzcat is bzcat: decompress .bz2 files to stdout.
var Bzcat = tools.Applet{Name: "bzcat", Summary: "decompress .bz2 files to stdout", Run: runBzip2}

func runBzip2(ctx context.Context, env *tools.Env, args []string) int {
	return runCodec(ctx, env, args, &codec{
		name: "bzip2", unName: "bunzip2", catName: "bzcat",
		suffixes: []codecSuffix{{".bz2", ""}}, level: 9, z: true, ignored: xzBzip2Ignored,
		stdin: "(stdin)", noSuffix: noSuffixOut, badStatus: 2, skipStatus: 1,
		usage: `bzip2 [-cdzkft1-9] [FILE]...   (bunzip2 = bzip2 -d, bzcat = bzip2 -dc)
  -c  write to stdout, keep files   -d  decompress   -z  compress   -k  keep input files
  -f  overwrite existing output     -t  test         -1..-9  block size (100k..900k)`,
		reader: func(r io.Reader) (io.Reader, error) {
			// Read the first bytes now, so that a file that is not bzip2 is said so before
			// anything is written.
			br := bzip2.NewReader(r)
			var first [1]byte
			n, err := br.Read(first[:])
			if err != nil && err != io.EOF {
				return nil, err
			}
			return io.MultiReader(bytesReader(first[:n]), br), nil
		},
		writer: func(w io.Writer, level int) (io.WriteCloser, error) {
			return dsbzip2.NewWriter(w, &dsbzip2.WriterConfig{Level: max(level, 1)})
		},
		msg: func(what codecMsg, file string, err error) string {
			switch what {
			case msgOpen:
				return "Can't open input file " + file + ": " + tools.Reason(err) + "."
			case msgExists:
				return "Output file " + file + " already exists."
			case msgHasSuffix:
				return "Input file " + file + " already has .bz2 suffix."
			case msgNoSuffix:
				return "Can't guess original name for " + file + " -- using " + file + ".out"
			case msgNotFormat:
				return file + " is not a bzip2 file."
			case msgIsDir:
				return "Input file " + file + " is a directory."
			case msgTestBad:
				return file + ": bad magic number (file not created by bzip2)\n\nYou can use the `bzip2recover' program to attempt to recover\ndata from undamaged sections of corrupted files.\n"
			}
			return file + ": " + tools.Reason(err)
		},
	})
}
