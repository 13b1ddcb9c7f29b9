package nsenter

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// Sealing: the session program and the launcher are exec'd from descriptors that nothing,
// not even root in the container or on the host, can write through. The container can
// reach them (/proc/<session>/exe, /proc/<session>/map_files/*), so a writable file there
// would let it replace the host's binary (CVE-2019-5736).
//
// The fast way, as runc >= 1.2 does: the programs lie in a root-only store on disk, and
// each session opens them through a detached, read-only, lower-only overlayfs mount made
// with fsopen/fsmount. The mount is attached in no namespace, cannot be made writable
// (an overlay without an upper layer has nowhere to write), and costs no copy. The files
// are mode 0111: an exec the session's credentials cannot read starts it non-dumpable.
// The fallback, where no overlay can be made: a copy of the program into a sealed memfd.

// PreloadOption configures Preload.
type PreloadOption func(*preloadConfig)

type preloadConfig struct {
	store string
}

// WithStore keeps the programs in dir, a root-only directory created when absent, and
// seals them from there through an overlay instead of copying them into memfds. Only
// Executables with a Key can be kept there; the others are copied.
func WithStore(dir string) PreloadOption {
	return func(c *preloadConfig) { c.store = dir }
}

// Preloaded is the session program and the launcher being sealed (Preload), which a
// caller may start while it resolves the target.
type Preloaded struct {
	done          chan struct{}
	exe, launcher *os.File
	how           string
	err           error
}

// Preload seals session and launcher (when given; else the session launches too) in the
// background: through an overlay from the store (WithStore), else by copies into sealed
// memfds. Pass it as Options.Preloaded; Close it if Run is never called.
func Preload(session, launcher Executable, opts ...PreloadOption) *Preloaded {
	var c preloadConfig
	for _, o := range opts {
		o(&c)
	}
	p := &Preloaded{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		var why string
		if c.store != "" {
			var err error
			p.exe, p.launcher, err = sealFromStore(c.store, session, launcher)
			if err == nil {
				p.how = "overlay-sealed from " + c.store
				if launcher.Entry != 0 {
					p.how += ", the launcher a copy of " + launcher.Path + " entered without the Go runtime"
				}
				return
			}
			why = " (the store: " + err.Error() + ")"
		}
		p.how = "copied into sealed memfds" + why
		if p.exe, p.err = sealedCopy(session, "ddebug-toolbox"); p.err != nil {
			return
		}
		p.launcher = p.exe
		// A launcher entered elsewhere than its program (Entry) is a whole program: a
		// second copy of it would cost more than the session program's launching too.
		if launcher.given() && launcher.Entry == 0 {
			if p.launcher, p.err = sealedCopy(launcher, LauncherArg0); p.err != nil {
				p.exe.Close()
				p.exe = nil
			}
		}
	}()
	return p
}

func (e Executable) given() bool { return e.Path != "" || e.Bytes != nil }

func (p *Preloaded) files() (exe, launcher *os.File, err error) {
	<-p.done
	return p.exe, p.launcher, p.err
}

// How says how the programs were sealed, once they are: from the store through an
// overlay, or copied into memfds (and why the store was not used).
func (p *Preloaded) How() string {
	<-p.done
	return p.how
}

// Close waits for the seals and closes them.
func (p *Preloaded) Close() {
	if p == nil {
		return
	}
	<-p.done
	if p.launcher != nil && p.launcher != p.exe {
		p.launcher.Close()
	}
	if p.exe != nil {
		p.exe.Close()
	}
}

// sealedCopy copies the session program into a memfd that is sealed against writes and
// executable but not readable (mode 0111): the container can never reach or change the
// host's binary through /proc/<session>/exe, and an exec without read access makes the
// kernel start the session non-dumpable.
func sealedCopy(e Executable, name string) (*os.File, error) {
	fd, err := unix.MemfdCreate(name, unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING|unix.MFD_EXEC)
	if errors.Is(err, unix.EINVAL) { // kernels before 6.3 have no MFD_EXEC
		fd, err = unix.MemfdCreate(name, unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	}
	if err != nil {
		return nil, fmt.Errorf("creating memfd for the session binary: %w", err)
	}
	f, err := highFile(fd, "memfd:"+name)
	if err != nil {
		return nil, err
	}
	if err := fillMemfd(f, e); err != nil {
		f.Close()
		return nil, err
	}
	if err := unix.Fchmod(int(f.Fd()), 0o111); err != nil {
		f.Close()
		return nil, fmt.Errorf("chmod memfd: %w", err)
	}
	seals := unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
	if _, err := unix.FcntlInt(f.Fd(), unix.F_ADD_SEALS, seals|unix.F_SEAL_EXEC); err != nil {
		if _, err := unix.FcntlInt(f.Fd(), unix.F_ADD_SEALS, seals); err != nil {
			f.Close()
			return nil, fmt.Errorf("sealing memfd: %w", err)
		}
	}
	return f, nil
}

// highFile moves fd to a number of at least 100, so the dup2s of the child's stdio and
// extra files never land on it, and closes fd.
func highFile(fd int, name string) (*os.File, error) {
	hi, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 100)
	unix.Close(fd)
	if err != nil {
		return nil, fmt.Errorf("moving the descriptor of %s: %w", name, err)
	}
	return os.NewFile(uintptr(hi), name), nil
}

func fillMemfd(f *os.File, e Executable) error {
	if e.Bytes != nil {
		if _, err := f.Write(e.Bytes); err != nil {
			return fmt.Errorf("copying session binary into memfd: %w", err)
		}
		return nil
	}
	if e.Path == "" {
		return errors.New("no session binary given")
	}
	src, err := os.Open(e.Path)
	if err != nil {
		return fmt.Errorf("opening session binary: %w", err)
	}
	defer src.Close()
	if _, err := io.Copy(f, src); err != nil {
		return fmt.Errorf("copying session binary %s into memfd: %w", e.Path, err)
	}
	return nil
}

// overlaySeal mounts lower (with the empty directory empty below it: an overlay needs two
// lower layers to have no upper one) as a detached, read-only overlay, and opens names in
// it as O_PATH descriptors, each checked to be the file want holds: same inode, size and
// mode (a lower-only overlay on one filesystem shows its files' own inode numbers).
func overlaySeal(lower, empty int, names []string, want []unix.Stat_t) (_ []*os.File, err error) {
	ctx, err := unix.Fsopen("overlay", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("fsopen overlay: %w", err)
	}
	defer unix.Close(ctx)
	// The layers by their open descriptors: the kernel takes exactly the directories that
	// were checked, whatever their paths lead to meanwhile.
	layers := fmt.Sprintf("/proc/self/fd/%d:/proc/self/fd/%d", lower, empty)
	if err := unix.FsconfigSetString(ctx, "lowerdir", layers); err != nil {
		return nil, fmt.Errorf("overlay lowerdir=%s: %w", layers, err)
	}
	// xino is of no use here and would only log to dmesg where it cannot be enabled.
	_ = unix.FsconfigSetString(ctx, "xino", "off")
	if err := unix.FsconfigCreate(ctx); err != nil {
		return nil, fmt.Errorf("creating the overlay: %w", err)
	}
	mnt, err := unix.Fsmount(ctx, unix.FSMOUNT_CLOEXEC, unix.MOUNT_ATTR_RDONLY|unix.MOUNT_ATTR_NODEV|unix.MOUNT_ATTR_NOSUID)
	if err != nil {
		return nil, fmt.Errorf("fsmount overlay: %w", err)
	}
	defer unix.Close(mnt)
	var files []*os.File
	defer func() {
		if err != nil {
			for _, f := range files {
				f.Close()
			}
		}
	}()
	for i, name := range names {
		fd, err := unix.Openat(mnt, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, fmt.Errorf("opening %s in the overlay: %w", name, err)
		}
		f, err := highFile(fd, "overlay:"+name)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
		var fs unix.Statfs_t
		var st unix.Stat_t
		if err := unix.Fstatfs(int(f.Fd()), &fs); err != nil || fs.Type != unix.OVERLAYFS_SUPER_MAGIC {
			return nil, fmt.Errorf("%s: not on the overlay (%v)", name, err)
		}
		if err := unix.Fstat(int(f.Fd()), &st); err != nil {
			return nil, fmt.Errorf("%s in the overlay: %w", name, err)
		}
		w := want[i]
		if st.Ino != w.Ino || st.Size != w.Size || st.Mode != w.Mode || st.Uid != w.Uid {
			return nil, fmt.Errorf("%s in the overlay is not the file checked in the store (inode %d, want %d)", name, st.Ino, w.Ino)
		}
	}
	return files, nil
}
