package nsenter

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// The store (WithStore) is a root-only directory on the host:
//
//	DIR/empty/                 the overlay's bottom layer, empty
//	DIR/<entry>/ddebug-toolbox the session program, mode 0111
//	DIR/<entry>/ddebug-launch  the launcher, when it is a program of its own
//
// <entry> is named for the programs' Keys, so each build writes its programs once (the
// first session pays the write) and every later session seals them without a copy. Only
// root can write there: whoever could change the store could as well change ddebug itself.
// An entry is written under a temporary name and renamed into place whole; each session
// checks through the open descriptors that the files are root's, mode 0111, one link, of
// the expected size, and that the overlay shows these very inodes. A stored program may be
// a changed copy of the one given (Executable.Entry, Executable.Done: a plugin installed
// alone is kept twice, once entered at the launcher, once with the init of the packages no
// session needs marked done); its Key names the copy.

// storeKeep is how many entries besides the one in use are kept (other versions of ddebug
// on the host, the plugin and ddebug sharing one); older ones are removed.
const storeKeep = 3

type storeFile struct {
	name string
	exe  Executable
	size int64
}

func sealFromStore(dir string, session, launcher Executable) (exe, launch *os.File, err error) {
	if session.Key == "" || (launcher.given() && launcher.Key == "") {
		return nil, nil, errors.New("the programs have no key to keep them by")
	}
	files := []storeFile{{name: "ddebug-toolbox", exe: session}}
	if launcher.given() {
		files = append(files, storeFile{name: LauncherArg0, exe: launcher})
	}
	for i := range files {
		if files[i].size, err = files[i].exe.size(); err != nil {
			return nil, nil, err
		}
	}
	root, err := openStoreRoot(dir)
	if err != nil {
		return nil, nil, err
	}
	defer unix.Close(root)
	empty, err := openStoreDir(root, dir, "empty", true)
	if err != nil {
		return nil, nil, err
	}
	defer unix.Close(empty)
	sum := sha256.Sum256([]byte(session.Key + "\x00" + launcher.Key))
	entry := hex.EncodeToString(sum[:16])

	var sealed []*os.File
	for attempt := 0; ; attempt++ {
		sealed, err = sealEntry(root, empty, dir, entry, files)
		if err == nil || attempt == 1 {
			break
		}
		// A missing or damaged entry is (re)written once.
		if err := writeEntry(root, dir, entry, files); err != nil {
			return nil, nil, err
		}
		pruneStore(dir, entry)
	}
	if err != nil {
		return nil, nil, err
	}
	exe, launch = sealed[0], sealed[0]
	if len(sealed) > 1 {
		launch = sealed[1]
	}
	return exe, launch, nil
}

func (e Executable) size() (int64, error) {
	if e.Bytes != nil {
		return int64(len(e.Bytes)), nil
	}
	st, err := os.Stat(e.Path)
	if err != nil {
		return 0, fmt.Errorf("session binary: %w", err)
	}
	return st.Size(), nil
}

// sealEntry checks the entry's files and opens them through an overlay.
func sealEntry(root, empty int, dir, entry string, files []storeFile) ([]*os.File, error) {
	ent, err := openStoreDir(root, dir, entry, false)
	if err != nil {
		return nil, err
	}
	defer unix.Close(ent)
	names := make([]string, len(files))
	want := make([]unix.Stat_t, len(files))
	for i, f := range files {
		names[i] = f.name
		if want[i], err = checkStored(ent, filepath.Join(dir, entry, f.name), f.size); err != nil {
			return nil, err
		}
	}
	return overlaySeal(ent, empty, names, want)
}

// checkStored checks, through a descriptor, that a stored program is what was written.
func checkStored(dirfd int, path string, size int64) (unix.Stat_t, error) {
	var st unix.Stat_t
	fd, err := unix.Openat(dirfd, filepath.Base(path), unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return st, fmt.Errorf("opening %s: %w", path, err)
	}
	defer unix.Close(fd)
	if err := unix.Fstat(fd, &st); err != nil {
		return st, fmt.Errorf("%s: %w", path, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG || st.Mode&0o7777 != 0o111 || st.Uid != 0 || st.Nlink != 1 || st.Size != size {
		return st, fmt.Errorf("%s is not as written (mode %o, owner %d, %d links, %d bytes, want %d)", path, st.Mode, st.Uid, st.Nlink, st.Size, size)
	}
	return st, nil
}

// openStoreRoot opens dir, creating it root-only when absent, after checking that no one
// but root can change the path that leads to it.
func openStoreRoot(dir string) (int, error) {
	if !filepath.IsAbs(dir) {
		return -1, fmt.Errorf("store %s: not an absolute path", dir)
	}
	dir = filepath.Clean(dir)
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil {
			return -1, fmt.Errorf("store %s: %w", dir, err)
		}
		// Root's, and writable by no one else (a sticky directory lets no one else move
		// root's entries either).
		if st.Mode&unix.S_IFMT != unix.S_IFDIR || st.Uid != 0 || (st.Mode&0o022 != 0 && st.Mode&unix.S_ISVTX == 0) {
			return -1, fmt.Errorf("store %s: %s is not a directory only root can change", dir, p)
		}
		if p == "/" {
			break
		}
	}
	if err := unix.Mkdir(dir, 0o700); err != nil && !errors.Is(err, unix.EEXIST) {
		return -1, fmt.Errorf("creating the store %s: %w", dir, err)
	}
	return openChecked(unix.AT_FDCWD, dir, dir)
}

// openStoreDir opens (creating it when asked) the directory name in the store.
func openStoreDir(root int, dir, name string, create bool) (int, error) {
	if create {
		if err := unix.Mkdirat(root, name, 0o700); err != nil && !errors.Is(err, unix.EEXIST) {
			return -1, fmt.Errorf("creating %s: %w", filepath.Join(dir, name), err)
		}
	}
	return openChecked(root, name, filepath.Join(dir, name))
}

func openChecked(at int, name, path string) (int, error) {
	fd, err := unix.Openat(at, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("opening %s: %w", path, err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("%s: %w", path, err)
	}
	if st.Uid != 0 || st.Mode&0o077 != 0 {
		unix.Close(fd)
		return -1, fmt.Errorf("%s is not root-only (owner %d, mode %o)", path, st.Uid, st.Mode&0o7777)
	}
	return fd, nil
}

// writeEntry writes the programs under a temporary name and renames it into place whole
// (replacing a damaged entry); a session of another ddebug that got there first wins.
func writeEntry(root int, dir, entry string, files []storeFile) error {
	tmp := fmt.Sprintf(".new-%d", os.Getpid())
	os.RemoveAll(filepath.Join(dir, tmp)) // left by a process that died with this PID
	if err := unix.Mkdirat(root, tmp, 0o700); err != nil {
		return fmt.Errorf("writing the store: %w", err)
	}
	defer os.RemoveAll(filepath.Join(dir, tmp))
	tfd, err := openChecked(root, tmp, filepath.Join(dir, tmp))
	if err != nil {
		return err
	}
	defer unix.Close(tfd)
	for _, f := range files {
		if err := writeStored(tfd, filepath.Join(dir, tmp, f.name), f.exe, f.size); err != nil {
			return err
		}
	}
	if err := unix.Fsync(tfd); err != nil {
		return fmt.Errorf("writing the store: %w", err)
	}
	if err := unix.Renameat2(root, tmp, root, entry, unix.RENAME_NOREPLACE); err != nil {
		if !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("writing the store: %w", err)
		}
		// Present: damaged (move it away, then take its place) or just written by another.
		old := fmt.Sprintf(".old-%d", os.Getpid())
		os.RemoveAll(filepath.Join(dir, old))
		if err := unix.Renameat2(root, entry, root, old, unix.RENAME_NOREPLACE); err == nil {
			os.RemoveAll(filepath.Join(dir, old))
		}
		if err := unix.Renameat2(root, tmp, root, entry, unix.RENAME_NOREPLACE); err != nil && !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("writing the store: %w", err)
		}
	}
	return unix.Fsync(root)
}

func writeStored(dirfd int, path string, e Executable, size int64) error {
	fd, err := unix.Openat(dirfd, filepath.Base(path), unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o700)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	var n int64
	if e.Bytes != nil {
		var m int
		m, err = f.Write(e.Bytes)
		n = int64(m)
	} else {
		var src *os.File
		if src, err = os.Open(e.Path); err == nil {
			n, err = io.Copy(f, src)
			src.Close()
		}
	}
	if err == nil && n != size {
		err = fmt.Errorf("%d bytes written, want %d (did the source change?)", n, size)
	}
	if err == nil && (e.Entry != 0 || e.Done != nil) {
		var done []uint64
		if e.Done != nil {
			done, err = e.Done()
		}
		if err == nil {
			err = patchProgram(f, e.Entry, done)
		}
	}
	if err == nil {
		err = unix.Fchmod(fd, 0o111)
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// pruneStore removes the entries beyond the storeKeep most recent besides keep. A session
// still running from a removed entry is not disturbed: its overlay holds the files.
func pruneStore(dir, keep string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type aged struct {
		name string
		mod  int64
	}
	var old []aged
	for _, e := range ents {
		name := e.Name()
		if name == keep || name == "empty" || strings.HasPrefix(name, ".") || !e.IsDir() {
			continue
		}
		if info, err := e.Info(); err == nil {
			old = append(old, aged{name, info.ModTime().UnixNano()})
		}
	}
	sort.Slice(old, func(i, j int) bool { return old[i].mod > old[j].mod })
	for i := storeKeep; i < len(old); i++ {
		os.RemoveAll(filepath.Join(dir, old[i].name))
	}
}

// patchProgram sets, in the program f holds, the ELF entry point to entry (when not 0) and
// the state of the init tasks at addresses done to done, after checking that f is a static
// x86-64 executable (ET_EXEC: its addresses are those it runs at), that entry lies in a
// segment it loads executable and each task in one it loads from the file, not yet done.
func patchProgram(f *os.File, entry uint64, done []uint64) error {
	var h [64]byte
	if _, err := f.ReadAt(h[:], 0); err != nil {
		return fmt.Errorf("reading the ELF header: %w", err)
	}
	le := binary.LittleEndian
	if string(h[:4]) != "\x7fELF" || h[4] != 2 || h[5] != 1 || le.Uint16(h[16:]) != 2 || le.Uint16(h[18:]) != 62 {
		return errors.New("not a static x86-64 ELF executable: it cannot be changed")
	}
	phoff, phentsize, phnum := int64(le.Uint64(h[32:])), int64(le.Uint16(h[54:])), int64(le.Uint16(h[56:]))
	if phentsize < 56 || phnum > 64 {
		return errors.New("ELF program headers out of range")
	}
	ph := make([]byte, phentsize*phnum)
	if _, err := f.ReadAt(ph, phoff); err != nil {
		return fmt.Errorf("reading the ELF program headers: %w", err)
	}
	// offset returns the file offset of address a, in a loaded segment executable or not.
	offset := func(a uint64, exec bool) (int64, bool) {
		for i := int64(0); i < phnum; i++ {
			p := ph[i*phentsize:]
			const ptLoad, pfX = 1, 1
			off, vaddr, filesz := le.Uint64(p[8:]), le.Uint64(p[16:]), le.Uint64(p[32:])
			if le.Uint32(p[0:]) == ptLoad && (le.Uint32(p[4:])&pfX != 0) == exec && a >= vaddr && a-vaddr < filesz {
				return int64(off + a - vaddr), true
			}
		}
		return 0, false
	}
	for _, a := range done {
		off, ok := offset(a, false)
		var st [4]byte
		if ok {
			_, err := f.ReadAt(st[:], off)
			ok = err == nil && le.Uint32(st[:]) == 0
		}
		if !ok {
			return fmt.Errorf("no init task to mark done at %#x", a)
		}
		le.PutUint32(st[:], 2) // runtime.initTask.state: done
		if _, err := f.WriteAt(st[:], off); err != nil {
			return fmt.Errorf("marking an init task done: %w", err)
		}
	}
	if entry == 0 {
		return nil
	}
	if _, ok := offset(entry, true); !ok {
		return fmt.Errorf("entry %#x is in no executable segment of the program", entry)
	}
	var b [8]byte
	le.PutUint64(b[:], entry)
	if _, err := f.WriteAt(b[:], 24); err != nil {
		return fmt.Errorf("setting the ELF entry: %w", err)
	}
	return nil
}
