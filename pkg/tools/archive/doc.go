// Package archive is the family of tar, gzip (gunzip, zcat: gzip.go), xz (unxz, xzcat) and
// bzip2 (bunzip2, bzcat) on codec.go, unzip, cpio (extracting through tar's extractor), the
// checksum applets (md5sum, sha1sum, sha256sum, sha512sum: sum.go; sha3sum, crc32), base64,
// uuencode and uudecode. tree.go is Create and Extract, the tar of a whole tree that tar and
// kubectl ddebug cp share.
package archive
