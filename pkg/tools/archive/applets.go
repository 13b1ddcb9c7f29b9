package archive

import "github.com/kubectl-ddebug/kubectl-ddebug/pkg/tools"

// Applets is every applet of the family, one line each, sorted by name: package all
// installs it, and a new applet (one file, named after it) adds its line here.
var Applets = []*tools.Applet{
	&Base64,
	&Bunzip2,
	&Bzcat,
	&Bzip2,
	&Cpio,
	&Crc32,
	&Gunzip,
	&Gzip,
	&Md5sum,
	&Sha1sum,
	&Sha256sum,
	&Sha3sum,
	&Sha512sum,
	&Tar,
	&Unxz,
	&Unzip,
	&Uudecode,
	&Uuencode,
	&Xz,
	&Xzcat,
	&Zcat,
}
