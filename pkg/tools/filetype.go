package tools

import "io/fs"

// FileType names a file's type as GNU's tools print it (gnulib's file_type: stat's %F,
// diff's "File a is a fifo while file b is a directory").
func FileType(fi fs.FileInfo) string {
	m := fi.Mode()
	switch {
	case m.IsRegular() && fi.Size() == 0:
		return "regular empty file"
	case m.IsRegular():
		return "regular file"
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "fifo"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character special file"
	case m&fs.ModeDevice != 0:
		return "block special file"
	}
	return "weird file"
}
