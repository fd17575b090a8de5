package lexers

import (
	. "github.com/alecthomas/chroma/v2" // nolint
)

// Mason lexer.
var Mason Lexer

func registerMason() {
	Mason = register(MustNewLexer(
		&Config{
			Name:      "Mason",
			Aliases:   []string{"mason"},
			Filenames: []string{"*.m", "*.mhtml", "*.mc", "*.mi", "autohandler", "dhandler"},
			MimeTypes: []string{"application/x-mason"},
			Priority:  0.1,
		},
		masonRules,
	))
}

func masonRules() Rules {
	return Rules{
		"root": {
			{Pattern: `\s+`, Type: Text, Mutator: nil},
			{Pattern: `(<%doc>)(.*?)(</%doc>)(?s)`, Type: ByGroups(NameTag, CommentMultiline, NameTag), Mutator: nil},
			{Pattern: `(<%(?:def|method))(\s*)(.*?)(>)(.*?)(</%\2\s*>)(?s)`, Type: ByGroups(NameTag, Text, NameFunction, NameTag, UsingSelf("root"), NameTag), Mutator: nil},
			{Pattern: `(<%\w+)(.*?)(>)(.*?)(</%\2\s*>)(?s)`, Type: ByGroups(NameTag, NameFunction, NameTag, Using("Perl"), NameTag), Mutator: nil},
			{Pattern: `(<&[^|])(.*?)(,.*?)?(&>)(?s)`, Type: ByGroups(NameTag, NameFunction, Using("Perl"), NameTag), Mutator: nil},
			{Pattern: `(<&\|)(.*?)(,.*?)?(&>)(?s)`, Type: ByGroups(NameTag, NameFunction, Using("Perl"), NameTag), Mutator: nil},
			{Pattern: `</&>`, Type: NameTag, Mutator: nil},
			{Pattern: `(<%!?)(.*?)(%>)(?s)`, Type: ByGroups(NameTag, Using("Perl"), NameTag), Mutator: nil},
			{Pattern: `(?<=^)#[^\n]*(\n|\Z)`, Type: Comment, Mutator: nil},
			{Pattern: `(?<=^)(%)([^\n]*)(\n|\Z)`, Type: ByGroups(NameTag, Using("Perl"), Other), Mutator: nil},
			{Pattern: `(?sx)
                 (.+?)               # anything, followed by:
                 (?:
                  (?<=\n)(?=[%#]) |  # an eval or comment line
                  (?=</?[%&]) |      # a substitution or block or
                                     # call start or end
                                     # - don't consume
                  (\\\n) |           # an escaped newline
                  \Z                 # end of string
                 )`, Type: ByGroups(Using("HTML"), Operator), Mutator: nil},
		},
	}
}
