package gitstore

import (
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// atomicRefs is the storage the go-git engine fetches and pushes through:
// the repository's own (embedded as the concrete type, so go-git still
// finds its pack writer and other optional interfaces), with ref writes
// done by writeRef. go-git truncates
// a ref file and then writes the new value into it, so a sync killed in
// between left an empty remote-tracking ref, which git fsck and every git
// command after it refused; writeRef writes ref.lock and renames it over.
type atomicRefs struct {
	*filesystem.Storage
	s *Store
}

func (a atomicRefs) SetReference(r *plumbing.Reference) error {
	if r.Type() != plumbing.HashReference {
		return a.Storage.SetReference(r)
	}
	return a.s.writeRef(r.Name().String(), nil, r.Hash())
}

func (a atomicRefs) CheckAndSetReference(new, old *plumbing.Reference) error {
	if new.Type() != plumbing.HashReference {
		return a.Storage.CheckAndSetReference(new, old)
	}
	if old == nil || old.Type() != plumbing.HashReference {
		return a.s.writeRef(new.Name().String(), nil, new.Hash())
	}
	h := old.Hash()
	err := a.s.writeRef(new.Name().String(), &h, new.Hash())
	if errors.Is(err, ErrBranchMoved) {
		return fmt.Errorf("%w: %v", storage.ErrReferenceHasChanged, err)
	}
	return err
}

// goRemote is the named remote of the repository's configuration, working
// through atomicRefs.
func (s *Store) goRemote(name string) (*git.Remote, error) {
	cfg, err := s.repo.Config()
	if err != nil {
		return nil, err
	}
	c, ok := cfg.Remotes[name]
	if !ok {
		return nil, fmt.Errorf("remote %q: %w", name, git.ErrRemoteNotFound)
	}
	fs, ok := s.repo.Storer.(*filesystem.Storage)
	if !ok {
		return nil, fmt.Errorf("remote %q: the repository's storage is %T, not files", name, s.repo.Storer)
	}
	return git.NewRemote(atomicRefs{Storage: fs, s: s}, c), nil
}

var (
	_ storer.PackfileWriter     = atomicRefs{}
	_ storer.ReferenceStorer    = atomicRefs{}
	_ storer.PackedObjectStorer = atomicRefs{}
)
