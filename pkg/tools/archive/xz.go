package archive

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"
)

// Xz is xz [-cdzkft0-9] [FILE]...: compress or decompress .xz files (the container in xzformat.go,
// LZMA2 by github.com/ulikunitz/xz/lzma, pure Go), with xz-utils' messages and statuses. unxz is xz -d, xzcat is xz -dc.
var Xz = tools.Applet{Name: "xz", Summary: "compress or decompress .xz files", Run: runXz}

// Unxz is unxz: decompress .xz files.
var Unxz = tools.Applet{Name: "unxz", Summary: "decompress .xz files", Run: runXz}

// Xzcat is xzcat: decompress .xz files to stdout.
var Xzcat = tools.Applet{Name: "xzcat", Summary: "decompress .xz files to stdout", Run: runXz}

func runXz(ctx context.Context, env *tools.Env, args []string) int {
	return runCodec(ctx, env, args, &codec{
		name: "xz", unName: "unxz", catName: "xzcat",
		suffixes: []codecSuffix{{".xz", ""}}, level: 6, z: true, ignored: xzBzip2Ignored,
		stdin: "(stdin)", noSuffix: noSuffixSniff, badStatus: 1, skipStatus: 2,
		usage: `xz [-cdzkft0-9] [FILE]...   (unxz = xz -d, xzcat = xz -dc)
  -c  write to stdout, keep files   -d  decompress   -z  compress   -k  keep input files
  -f  overwrite existing output     -t  test         -0..-9  preset (the dictionary size)`,
		reader: func(r io.Reader) (io.Reader, error) { return newXzReader(r) },
		writer: func(w io.Writer, level int) (io.WriteCloser, error) {
			// The preset's dictionary, as xz-utils: 256 KiB for -0, 1 MiB -1, 2 MiB -2,
			// 4 MiB -3/-4, 8 MiB -5/-6, 16 MiB -7, 32 MiB -8, 64 MiB -9.
			dict := [10]int{256 << 10, 1 << 20, 2 << 20, 4 << 20, 4 << 20, 8 << 20, 8 << 20, 16 << 20, 32 << 20, 64 << 20}[level]
			return newXzWriter(w, dict)
		},
		msg: func(what codecMsg, file string, err error) string {
			switch what {
			case msgOpen:
				return file + ": " + tools.Reason(err)
			case msgExists:
				return file + ": File exists"
			case msgHasSuffix:
				return file + ": File already has `.xz' suffix, skipping"
			case msgNoSuffix:
				return file + ": Filename has an unknown suffix, skipping"
			case msgNotFormat, msgTestBad:
				return file + ": " + xzReason(err)
			case msgIsDir:
				return file + ": Is a directory, skipping"
			}
			return file + ": " + tools.Reason(err)
		},
	})
}

// xzBzip2Ignored is what xz and bzip2 take and ignore: -q -v -e -s -T N.
var xzBzip2Ignored = []codecFlag{{'q', "quiet", false}, {'v', "verbose", false}, {'e', "extreme", false}, {'s', "small", false}, {'T', "threads", true}}

// xzReason words a decompression failure as xz-utils does.
func xzReason(err error) string {
	switch {
	case errors.Is(err, errXzTruncated):
		return "Unexpected end of input"
	case errors.Is(err, errXzCorrupt):
		return "Compressed data is corrupt"
	case errors.Is(err, errXzUnsupported):
		_, detail, _ := strings.Cut(err.Error(), errXzUnsupported.Error()+": ")
		return "Unsupported options: " + detail
	}
	return "File format not recognized"
}
