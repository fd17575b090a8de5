package lexers

import (
	. "github.com/alecthomas/chroma/v2" // nolint
)

// FortranFixed lexer.
var FortranFixed Lexer

func registerFortranFixed() {
	FortranFixed = register(MustNewLexer(
		&Config{
			Name:            "FortranFixed",
			Aliases:         []string{"fortranfixed"},
			Filenames:       []string{"*.f", "*.F"},
			MimeTypes:       []string{"text/x-fortran"},
			NotMultiline:    true,
			CaseInsensitive: true,
		},
		func() Rules {
			return Rules{
				"root": {
					{Pattern: `[C*].*\n`, Type: Comment, Mutator: nil},
					{Pattern: `#.*\n`, Type: CommentPreproc, Mutator: nil},
					{Pattern: `[\t ]*!.*\n`, Type: Comment, Mutator: nil},
					{Pattern: `(.{5})`, Type: NameLabel, Mutator: Push("cont-char")},
					{Pattern: `.*\n`, Type: Using("Fortran"), Mutator: nil},
				},
				"cont-char": {
					{Pattern: ` `, Type: Text, Mutator: Push("code")},
					{Pattern: `0`, Type: Comment, Mutator: Push("code")},
					{Pattern: `.`, Type: GenericStrong, Mutator: Push("code")},
				},
				"code": {
					{Pattern: `(.{66})(.*)(\n)`, Type: ByGroups(Using("Fortran"), Comment, Text), Mutator: Push("root")},
					{Pattern: `.*\n`, Type: Using("Fortran"), Mutator: Push("root")},
					Default(Push("root")),
				},
			}
		},
	))
}
