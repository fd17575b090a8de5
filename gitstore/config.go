package gitstore

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/config"
)

// MergeDriverCommand is how git runs ticket's merge driver; .gitattributes
// routes ticket files to it with "merge=ticket".
const MergeDriverCommand = "ticket merge-driver %O %A %B %P"

const mergeDriverName = "ticket: merge ticket files by meaning"

// RegisterMergeDriver records the ticket merge driver in the repository's
// own git config (merge.ticket.name and merge.ticket.driver), as
// `git config` would. git does not clone config, so every clone needs this
// once. A driver already set there (a custom path, say) is left alone. The
// file is only appended to, under git's config.lock, so comments and
// formatting the user wrote stay as they are.
func (s *Store) RegisterMergeDriver() error {
	file := filepath.Join(s.commonDir, "config")
	data, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", file, err)
	}
	if driverIn(data) != "" {
		return nil
	}
	lock := file + ".lock"
	f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s: another git process is changing the config; try again (remove %s if none is)", file, lock)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", lock, err)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(lock)
		}
	}()
	// Read again under the lock: another process may have written meanwhile.
	data, err = os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", file, err)
	}
	var b bytes.Buffer
	b.Write(data)
	if len(data) > 0 && data[len(data)-1] != '\n' {
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "[merge \"ticket\"]\n\tname = %s\n\tdriver = %s\n", mergeDriverName, MergeDriverCommand)
	if _, err := f.Write(b.Bytes()); err != nil {
		return fmt.Errorf("%s: %w", lock, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: %w", lock, err)
	}
	if err := os.Rename(lock, file); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	done = true
	return nil
}

// MergeDriverRegistered reports whether git will find the ticket merge
// driver for this repository: merge.ticket.driver set in the repository's
// config, the user's global config or the system config.
func (s *Store) MergeDriverRegistered() bool {
	files := []string{filepath.Join(s.commonDir, "config")}
	if p, ok := os.LookupEnv("GIT_CONFIG_GLOBAL"); ok {
		files = append(files, p)
	} else {
		home, _ := os.UserHomeDir()
		if x := os.Getenv("XDG_CONFIG_HOME"); x != "" {
			files = append(files, filepath.Join(x, "git", "config"))
		} else if home != "" {
			files = append(files, filepath.Join(home, ".config", "git", "config"))
		}
		if home != "" {
			files = append(files, filepath.Join(home, ".gitconfig"))
		}
	}
	if os.Getenv("GIT_CONFIG_NOSYSTEM") == "" {
		if p, ok := os.LookupEnv("GIT_CONFIG_SYSTEM"); ok {
			files = append(files, p)
		} else {
			files = append(files, "/etc/gitconfig")
		}
	}
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil && driverIn(data) != "" {
			return true
		}
	}
	return false
}

// driverIn returns merge.ticket.driver of a config file's text, "" when it
// is not set or the file does not parse.
func driverIn(data []byte) string {
	if !bytes.Contains(data, []byte("ticket")) {
		return ""
	}
	c := config.New()
	if err := config.NewDecoder(bytes.NewReader(data)).Decode(c); err != nil {
		return ""
	}
	for _, sec := range c.Sections {
		if !strings.EqualFold(sec.Name, "merge") {
			continue
		}
		for _, sub := range sec.Subsections {
			if sub.Name == "ticket" {
				if v := strings.TrimSpace(sub.Options.Get("driver")); v != "" {
					return v
				}
			}
		}
	}
	return ""
}
