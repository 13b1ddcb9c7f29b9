package userdb

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"

	"github.com/kubectl-ddebug/kubectl-ddebug/pkg/targetfile"
)

// User is one line of /etc/passwd.
type User struct {
	Name     string
	UID, GID int
	Home     string
	Shell    string
}

// Group is one line of /etc/group.
type Group struct {
	Name    string
	GID     int
	Members []string
}

// DB holds the users and groups of one root.
type DB struct {
	Users  []User
	Groups []Group
	byUID  map[int]string
	byGID  map[int]string
}

// Load reads etc/passwd and etc/group under root ("/" for the current root, the target's
// in a session). Missing or unreadable files give an empty part, not an error: numbers are
// printed instead. They are read through targetfile, as files of a target that may be
// hostile: one that is a FIFO, a device, a link or larger than 1 MiB is not read, so `id`
// or `ls -l` can never hang on it.
func Load(root string) *DB {
	db := &DB{byUID: map[int]string{}, byGID: map[int]string{}}
	if b, err := targetfile.ReadFile(root, "/etc/passwd", targetfile.DefaultLimit); err == nil {
		db.Users = ParsePasswd(b)
	}
	if b, err := targetfile.ReadFile(root, "/etc/group", targetfile.DefaultLimit); err == nil {
		db.Groups = ParseGroup(b)
	}
	for _, u := range db.Users {
		if _, dup := db.byUID[u.UID]; !dup {
			db.byUID[u.UID] = u.Name
		}
	}
	for _, g := range db.Groups {
		if _, dup := db.byGID[g.GID]; !dup {
			db.byGID[g.GID] = g.Name
		}
	}
	return db
}

func lines(b []byte, fn func(fields []string)) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		fn(strings.Split(line, ":"))
	}
}

// ParsePasswd parses the contents of a passwd file, skipping malformed lines.
func ParsePasswd(b []byte) []User {
	var out []User
	lines(b, func(f []string) {
		if len(f) < 4 {
			return
		}
		uid, err1 := strconv.Atoi(f[2])
		gid, err2 := strconv.Atoi(f[3])
		if err1 != nil || err2 != nil {
			return
		}
		u := User{Name: f[0], UID: uid, GID: gid}
		if len(f) > 5 {
			u.Home = f[5]
		}
		if len(f) > 6 {
			u.Shell = f[6]
		}
		out = append(out, u)
	})
	return out
}

// ParseGroup parses the contents of a group file, skipping malformed lines.
func ParseGroup(b []byte) []Group {
	var out []Group
	lines(b, func(f []string) {
		if len(f) < 3 {
			return
		}
		gid, err := strconv.Atoi(f[2])
		if err != nil {
			return
		}
		g := Group{Name: f[0], GID: gid}
		if len(f) > 3 && f[3] != "" {
			g.Members = strings.Split(f[3], ",")
		}
		out = append(out, g)
	})
	return out
}

// UserName returns the name of uid and whether it is known.
func (db *DB) UserName(uid int) (string, bool) {
	n, ok := db.byUID[uid]
	return n, ok
}

// GroupName returns the name of gid and whether it is known.
func (db *DB) GroupName(gid int) (string, bool) {
	n, ok := db.byGID[gid]
	return n, ok
}

// UserOrID returns the name of uid, or the number when it has none.
func (db *DB) UserOrID(uid int) string {
	if n, ok := db.byUID[uid]; ok {
		return n
	}
	return strconv.Itoa(uid)
}

// GroupOrID returns the name of gid, or the number when it has none.
func (db *DB) GroupOrID(gid int) string {
	if n, ok := db.byGID[gid]; ok {
		return n
	}
	return strconv.Itoa(gid)
}

// LookupUser finds a user by name or by number.
func (db *DB) LookupUser(nameOrID string) (User, bool) {
	for _, u := range db.Users {
		if u.Name == nameOrID {
			return u, true
		}
	}
	if id, err := strconv.Atoi(nameOrID); err == nil {
		for _, u := range db.Users {
			if u.UID == id {
				return u, true
			}
		}
		return User{Name: nameOrID, UID: id, GID: -1}, true
	}
	return User{}, false
}

// LookupGroup finds a group's number by its name, or takes a number as it is.
func (db *DB) LookupGroup(nameOrID string) (int, bool) {
	for _, g := range db.Groups {
		if g.Name == nameOrID {
			return g.GID, true
		}
	}
	if id, err := strconv.Atoi(nameOrID); err == nil && id >= 0 {
		return id, true
	}
	return 0, false
}

// SupplementaryGroups returns the gids of the groups that list name as a member.
func (db *DB) SupplementaryGroups(name string) []int {
	var out []int
	for _, g := range db.Groups {
		for _, m := range g.Members {
			if m == name {
				out = append(out, g.GID)
				break
			}
		}
	}
	return out
}
