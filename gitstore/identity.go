package gitstore

import (
	"errors"
	"os"
	"time"
)

// Signature names who made a commit and when.
type Signature struct {
	Name  string
	Email string
	When  time.Time
}

// errNoIdentity carries git's own advice, since that is what users know.
var errNoIdentity = errors.New("no git identity: set one with\n" +
	"hint: git config user.name \"Your Name\"\n" +
	"hint: git config user.email you@example.com")

// Identity returns the author for new commits: GIT_AUTHOR_NAME and
// GIT_AUTHOR_EMAIL, else user.name and user.email of the repository config,
// else of the global config. When is the current time.
func (s *Store) Identity() (Signature, error) {
	sig := Signature{
		Name:  os.Getenv("GIT_AUTHOR_NAME"),
		Email: os.Getenv("GIT_AUTHOR_EMAIL"),
		When:  time.Now(),
	}
	if sig.Name == "" || sig.Email == "" {
		var uc userConfig
		if c, err := s.repo.Config(); err == nil {
			uc.merge(c)
		}
		g := globalConfig()
		if sig.Name == "" {
			sig.Name = first(uc.name, g.name)
		}
		if sig.Email == "" {
			sig.Email = first(uc.email, g.email)
		}
	}
	if sig.Name == "" || sig.Email == "" {
		return Signature{}, errNoIdentity
	}
	return sig, nil
}

// committer follows git: the author unless GIT_COMMITTER_NAME or
// GIT_COMMITTER_EMAIL say otherwise.
func committer(author Signature) Signature {
	c := author
	if v := os.Getenv("GIT_COMMITTER_NAME"); v != "" {
		c.Name = v
	}
	if v := os.Getenv("GIT_COMMITTER_EMAIL"); v != "" {
		c.Email = v
	}
	return c
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
