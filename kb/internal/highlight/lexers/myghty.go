package lexers

import (
	. "github.com/alecthomas/chroma/v2" // nolint
)

// Myghty lexer.
var Myghty Lexer

func registerMyghty() {
	Myghty = register(MustNewLexer(
		&Config{
			Name:      "Myghty",
			Aliases:   []string{"myghty"},
			Filenames: []string{"*.myt", "autodelegate"},
			MimeTypes: []string{"application/x-myghty"},
		},
		myghtyRules,
	))
}

func myghtyRules() Rules {
	return Rules{
		"root": {
			{Pattern: `\s+`, Type: Text, Mutator: nil},
			{Pattern: `(<%(?:def|method))(\s*)(.*?)(>)(.*?)(</%\2\s*>)(?s)`, Type: ByGroups(NameTag, Text, NameFunction, NameTag, UsingSelf("root"), NameTag), Mutator: nil},
			{Pattern: `(<%\w+)(.*?)(>)(.*?)(</%\2\s*>)(?s)`, Type: ByGroups(NameTag, NameFunction, NameTag, Using("Python2"), NameTag), Mutator: nil},
			{Pattern: `(<&[^|])(.*?)(,.*?)?(&>)`, Type: ByGroups(NameTag, NameFunction, Using("Python2"), NameTag), Mutator: nil},
			{Pattern: `(<&\|)(.*?)(,.*?)?(&>)(?s)`, Type: ByGroups(NameTag, NameFunction, Using("Python2"), NameTag), Mutator: nil},
			{Pattern: `</&>`, Type: NameTag, Mutator: nil},
			{Pattern: `(<%!?)(.*?)(%>)(?s)`, Type: ByGroups(NameTag, Using("Python2"), NameTag), Mutator: nil},
			{Pattern: `(?<=^)#[^\n]*(\n|\Z)`, Type: Comment, Mutator: nil},
			{Pattern: `(?<=^)(%)([^\n]*)(\n|\Z)`, Type: ByGroups(NameTag, Using("Python2"), Other), Mutator: nil},
			{Pattern: `(?sx)
                 (.+?)               # anything, followed by:
                 (?:
                  (?<=\n)(?=[%#]) |  # an eval or comment line
                  (?=</?[%&]) |      # a substitution or block or
                                     # call start or end
                                     # - don't consume
                  (\\\n) |           # an escaped newline
                  \Z                 # end of string
                 )`, Type: ByGroups(Other, Operator), Mutator: nil},
		},
	}
}
