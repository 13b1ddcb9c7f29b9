package archive

import (
	"compress/gzip"
	"context"
	"errors"
	"io"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Gzip is gzip [-cdfkt1-9] [FILE]...: compress or decompress .gz files (compress/gzip),
// with GNU gzip's messages. gunzip is gzip -d, zcat is gzip -dc.
var Gzip = tools.Applet{Name: "gzip", Summary: "compress files", Run: runGzip}

// Gunzip is gunzip: decompress gzip files.
var Gunzip = tools.Applet{Name: "gunzip", Summary: "decompress gzip files", Run: runGzip}

// Zcat is zcat: decompress gzip files to stdout.
var Zcat = tools.Applet{Name: "zcat", Summary: "decompress gzip files to stdout", Run: runGzip}

func runGzip(ctx context.Context, env *tools.Env, args []string) int {
	return runCodec(ctx, env, args, &codec{
		name: "gzip", unName: "gunzip", catName: "zcat",
		suffixes: []codecSuffix{{".gz", ""}, {".tgz", ".tar"}}, level: gzip.DefaultCompression, minLevel: 1,
		ignored: []codecFlag{{'n', "no-name", false}, {'q', "quiet", false}},
		stdin:   "stdin", noSuffix: noSuffixSkip, badStatus: 1, skipStatus: 1,
		usage: `gzip [-cdfkt1-9] [FILE]...   (gunzip = gzip -d, zcat = gzip -dc)
  -c  write to stdout, keep files   -d  decompress   -k  keep input files
  -f  overwrite existing output     -1..-9  compression level`,
		reader: func(r io.Reader) (io.Reader, error) {
			zr, err := gzip.NewReader(r)
			if err != nil {
				return nil, errors.New("not in gzip format")
			}
			return zr, nil
		},
		writer: func(w io.Writer, level int) (io.WriteCloser, error) { return gzip.NewWriterLevel(w, level) },
		// GNU gzip's words; a stream that fails is said in compress/gzip's.
		msg: func(what codecMsg, file string, err error) string {
			switch what {
			case msgOpen:
				return file + ": " + tools.Reason(err)
			case msgExists:
				return file + " already exists;\tnot overwritten"
			case msgHasSuffix:
				return file + " already has .gz suffix -- unchanged"
			case msgNoSuffix:
				return file + ": unknown suffix -- ignored"
			case msgIsDir:
				return file + " is a directory -- ignored"
			}
			return file + ": " + err.Error()
		},
	})
}
