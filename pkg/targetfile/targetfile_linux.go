package targetfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// ReadFile reads name, a path as the target sees it, under root, the directory that is the
// target's / (/proc/<pid>/root from the host, "/" in a session inside the target), and at
// most limit bytes of it (DefaultLimit when limit <= 0). A missing file gives an error
// that is fs.ErrNotExist; a file that is there but not read, a *RefusedError.
//
// The path is resolved as the target would, but never out of root and never onto another
// mount (RESOLVE_IN_ROOT, RESOLVE_NO_XDEV: a FUSE or bind mount of the target cannot serve
// it), and through no magic link; a link as the last component is refused, not followed.
// What is found is first opened with O_PATH, which opens nothing: only when fstat says it
// is a regular file within the limit is it opened for reading, from that very inode
// (through /proc/self/fd), without blocking. So a FIFO, socket or device is never opened,
// and a file swapped in meanwhile is not what gets read.
func ReadFile(root, name string, limit int64) ([]byte, error) {
	return readFile(root, name, limit, resolve)
}

// readFile is ReadFile with the path resolution given (the tests run walk as well).
func readFile(root, name string, limit int64, resolve func(rootfd int, name string) (int, error)) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	shown := path.Clean("/" + name)
	rootfd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: root, Err: err}
	}
	defer unix.Close(rootfd)
	pfd, err := resolve(rootfd, shown)
	if err != nil {
		return nil, err
	}
	defer unix.Close(pfd)
	var st unix.Stat_t
	if err := unix.Fstat(pfd, &st); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: shown, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, &RefusedError{Name: shown, Reason: ErrNotRegular, Detail: "is " + kindOf(st.Mode&unix.S_IFMT)}
	}
	if st.Size > limit {
		return nil, tooLarge(shown, st.Size, limit)
	}
	f, err := reopen(pfd, shown, &st)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", shown, err)
	}
	if int64(len(b)) > limit { // it grew since fstat
		return nil, tooLarge(shown, int64(len(b)), limit)
	}
	return b, nil
}

func tooLarge(name string, size, limit int64) error {
	return &RefusedError{Name: name, Reason: ErrTooLarge,
		Detail: fmt.Sprintf("is %s, more than the %s limit", sizeText(size), sizeText(limit))}
}

// resolve opens name (cleaned, absolute) under rootfd with O_PATH.
func resolve(rootfd int, name string) (int, error) {
	rel := strings.TrimPrefix(name, "/")
	if rel == "" {
		rel = "."
	}
	how := &unix.OpenHow{
		Flags:   unix.O_PATH | unix.O_NOFOLLOW | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS | unix.RESOLVE_NO_XDEV,
	}
	for tries := 0; ; tries++ {
		fd, err := unix.Openat2(rootfd, rel, how)
		switch {
		case err == nil:
			return fd, nil
		case errors.Is(err, unix.EAGAIN) && tries < 8:
			continue // a rename or mount raced the lookup (RESOLVE_IN_ROOT asks to retry)
		case errors.Is(err, unix.ENOSYS):
			return walk(rootfd, rel, name)
		}
		return -1, openError(err, name)
	}
}

func openError(err error, name string) error {
	switch {
	case errors.Is(err, unix.EXDEV):
		return &RefusedError{Name: name, Reason: ErrEscapesRoot, Detail: "crosses a mount point"}
	case errors.Is(err, unix.ELOOP):
		return &RefusedError{Name: name, Reason: ErrEscapesRoot, Detail: "leads through a magic link or too many links"}
	}
	return &fs.PathError{Op: "open", Path: name, Err: err}
}

// walk is resolve where openat2 is missing (kernels before 5.6). It keeps the same
// guarantees by being stricter: one component at a time with O_PATH|O_NOFOLLOW, so no link
// of any kind is followed (a link in the path is refused rather than resolved inside the
// root), ".." is refused, and every component must be on the root's mount (mnt_id of
// /proc/self/fdinfo, as RESOLVE_NO_XDEV; where that cannot be read the walk is refused).
func walk(rootfd int, rel, name string) (int, error) {
	rootMnt, err := mountID(rootfd)
	if err != nil {
		return -1, err
	}
	cur, err := unix.FcntlInt(uintptr(rootfd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return -1, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	var parts []string
	for _, p := range strings.Split(rel, "/") {
		if p != "" && p != "." {
			parts = append(parts, p)
		}
	}
	for i, p := range parts {
		if p == ".." {
			unix.Close(cur)
			return -1, &RefusedError{Name: name, Reason: ErrEscapesRoot, Detail: `has ".." in its path`}
		}
		fd, err := unix.Openat(cur, p, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		unix.Close(cur)
		if err != nil {
			return -1, openError(err, name)
		}
		cur = fd
		if mnt, err := mountID(fd); err != nil || mnt != rootMnt {
			unix.Close(fd)
			if err != nil {
				return -1, err
			}
			return -1, &RefusedError{Name: name, Reason: ErrEscapesRoot, Detail: "crosses a mount point"}
		}
		if i == len(parts)-1 {
			break
		}
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			unix.Close(fd)
			return -1, &fs.PathError{Op: "stat", Path: name, Err: err}
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFDIR:
		case unix.S_IFLNK:
			unix.Close(fd)
			return -1, &RefusedError{Name: name, Reason: ErrEscapesRoot, Detail: "has a symbolic link in its path (not followed: this kernel has no openat2)"}
		default:
			unix.Close(fd)
			return -1, &fs.PathError{Op: "open", Path: name, Err: unix.ENOTDIR}
		}
	}
	return cur, nil
}

// mountID is the mnt_id of descriptor fd, from /proc/self/fdinfo (Linux 3.15).
func mountID(fd int) (int, error) {
	f, err := os.Open("/proc/self/fdinfo/" + strconv.Itoa(fd))
	if err != nil {
		return 0, fmt.Errorf("telling the mount of a path without openat2: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, 64<<10))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "mnt_id:"); ok {
			return strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return 0, errors.New("telling the mount of a path without openat2: no mnt_id in /proc/self/fdinfo")
}

// reopen opens pfd, an O_PATH descriptor of a regular file, for reading: through
// /proc/self/fd, that is from the inode itself, never its path again. /proc must be a
// procfs (inside a target it is the target's own mount); O_NONBLOCK and O_NOCTTY keep the
// open harmless should it still meet something else, and the result must be the inode
// that was checked.
func reopen(pfd int, name string, want *unix.Stat_t) (*os.File, error) {
	proc, err := unix.Open("/proc", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("reopening %s: no /proc: %w", name, err)
	}
	defer unix.Close(proc)
	var sfs unix.Statfs_t
	if err := unix.Fstatfs(proc, &sfs); err != nil || sfs.Type != unix.PROC_SUPER_MAGIC {
		return nil, fmt.Errorf("reopening %s: /proc is not a procfs", name)
	}
	fd, err := unix.Openat(proc, "self/fd/"+strconv.Itoa(pfd), unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Dev != want.Dev || st.Ino != want.Ino || st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return nil, &RefusedError{Name: name, Reason: ErrEscapesRoot, Detail: "changed while being opened"}
	}
	return os.NewFile(uintptr(fd), name), nil
}
