package lexers

import (
	. "github.com/alecthomas/chroma/v2" // nolint
)

// Cheetah lexer.
var Cheetah Lexer

func registerCheetah() {
	Cheetah = register(MustNewLexer(
		&Config{
			Name:      "Cheetah",
			Aliases:   []string{"cheetah", "spitfire"},
			Filenames: []string{"*.tmpl", "*.spt"},
			MimeTypes: []string{"application/x-cheetah", "application/x-spitfire"},
		},
		cheetahRules,
	))
}

func cheetahRules() Rules {
	return Rules{
		"root": {
			{Pattern: `(##[^\n]*)$`, Type: ByGroups(Comment), Mutator: nil},
			{Pattern: `#[*](.|\n)*?[*]#`, Type: Comment, Mutator: nil},
			{Pattern: `#end[^#\n]*(?:#|$)`, Type: CommentPreproc, Mutator: nil},
			{Pattern: `#slurp$`, Type: CommentPreproc, Mutator: nil},
			{Pattern: `(#[a-zA-Z]+)([^#\n]*)(#|$)`, Type: ByGroups(CommentPreproc, Using("Python"), CommentPreproc), Mutator: nil},
			{Pattern: `(\$)([a-zA-Z_][\w.]*\w)`, Type: ByGroups(CommentPreproc, Using("Python")), Mutator: nil},
			{Pattern: `(\$\{!?)(.*?)(\})(?s)`, Type: ByGroups(CommentPreproc, Using("Python"), CommentPreproc), Mutator: nil},
			{Pattern: `(?sx)
                (.+?)               # anything, followed by:
                (?:
                 (?=\#[#a-zA-Z]*) | # an eval comment
                 (?=\$[a-zA-Z_{]) | # a substitution
                 \Z                 # end of string
                )
            `, Type: Other, Mutator: nil},
			{Pattern: `\s+`, Type: Text, Mutator: nil},
		},
	}
}
