package main

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"os"
	"time"
)

// ArchiveFile is one file of a release archive.
type ArchiveFile struct {
	Name string
	Mode int64
	Data []byte
}

// WriteTarGz writes files, in the given order, as a reproducible tar.gz: every entry has
// mtime, no owner names, and the gzip header carries no name or time.
func WriteTarGz(path string, files []ArchiveFile, mtime time.Time) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("closing %s: %w", path, cerr)
		}
	}()
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	for _, file := range files {
		hdr := &tar.Header{Name: file.Name, Mode: file.Mode, Size: int64(len(file.Data)),
			ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		if _, err := tw.Write(file.Data); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
