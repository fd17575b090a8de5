package lexers

import (
	. "github.com/alecthomas/chroma/v2" // nolint
)

// Mako lexer.
var Mako Lexer

func registerMako() {
	Mako = register(MustNewLexer(
		&Config{
			Name:      "Mako",
			Aliases:   []string{"mako"},
			Filenames: []string{"*.mao"},
			MimeTypes: []string{"application/x-mako"},
		},
		makoRules,
	))
}

func makoRules() Rules {
	return Rules{
		"root": {
			{Pattern: `(\s*)(%)(\s*end(?:\w+))(\n|\Z)`, Type: ByGroups(Text, CommentPreproc, Keyword, Other), Mutator: nil},
			{Pattern: `(\s*)(%)([^\n]*)(\n|\Z)`, Type: ByGroups(Text, CommentPreproc, Using("Python"), Other), Mutator: nil},
			{Pattern: `(\s*)(##[^\n]*)(\n|\Z)`, Type: ByGroups(Text, CommentPreproc, Other), Mutator: nil},
			{Pattern: `(?s)<%doc>.*?</%doc>`, Type: CommentPreproc, Mutator: nil},
			{Pattern: `(<%)([\w.:]+)`, Type: ByGroups(CommentPreproc, NameBuiltin), Mutator: Push("tag")},
			{Pattern: `(</%)([\w.:]+)(>)`, Type: ByGroups(CommentPreproc, NameBuiltin, CommentPreproc), Mutator: nil},
			{Pattern: `<%(?=([\w.:]+))`, Type: CommentPreproc, Mutator: Push("ondeftags")},
			{Pattern: `(<%(?:!?))(.*?)(%>)(?s)`, Type: ByGroups(CommentPreproc, Using("Python"), CommentPreproc), Mutator: nil},
			{Pattern: `(\$\{)(.*?)(\})`, Type: ByGroups(CommentPreproc, Using("Python"), CommentPreproc), Mutator: nil},
			{Pattern: `(?sx)
                (.+?)                # anything, followed by:
                (?:
                 (?<=\n)(?=%|\#\#) | # an eval or comment line
                 (?=\#\*) |          # multiline comment
                 (?=</?%) |          # a python block
                                     # call start or end
                 (?=\$\{) |          # a substitution
                 (?<=\n)(?=\s*%) |
                                     # - don't consume
                 (\\\n) |            # an escaped newline
                 \Z                  # end of string
                )
            `, Type: ByGroups(Other, Operator), Mutator: nil},
			{Pattern: `\s+`, Type: Text, Mutator: nil},
		},
		"ondeftags": {
			{Pattern: `<%`, Type: CommentPreproc, Mutator: nil},
			{Pattern: `(?<=<%)(include|inherit|namespace|page)`, Type: NameBuiltin, Mutator: nil},
			Include("tag"),
		},
		"tag": {
			{Pattern: `((?:\w+)\s*=)(\s*)(".*?")`, Type: ByGroups(NameAttribute, Text, LiteralString), Mutator: nil},
			{Pattern: `/?\s*>`, Type: CommentPreproc, Mutator: Pop(1)},
			{Pattern: `\s+`, Type: Text, Mutator: nil},
		},
		"attr": {
			{Pattern: `".*?"`, Type: LiteralString, Mutator: Pop(1)},
			{Pattern: `'.*?'`, Type: LiteralString, Mutator: Pop(1)},
			{Pattern: `[^\s>]+`, Type: LiteralString, Mutator: Pop(1)},
		},
	}
}
