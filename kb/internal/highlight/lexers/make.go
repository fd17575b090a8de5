package lexers

import (
	. "github.com/alecthomas/chroma/v2" // nolint
)

// Makefile lexer.
var Makefile Lexer

func registerMakefile() {
	Makefile = register(MustNewLexer(
		&Config{
			Name:      "Base Makefile",
			Aliases:   []string{"make", "makefile", "mf", "bsdmake"},
			Filenames: []string{"*.mak", "*.mk", "Makefile", "makefile", "Makefile.*", "GNUmakefile"},
			MimeTypes: []string{"text/x-makefile"},
			EnsureNL:  true,
		},
		makefileRules,
	))
}

func makefileRules() Rules {
	return Rules{
		"root": {
			{Pattern: `^(?:[\t ]+.*\n|\n)+`, Type: Using("Bash"), Mutator: nil},
			{Pattern: `\$[<@$+%?|*]`, Type: Keyword, Mutator: nil},
			{Pattern: `\s+`, Type: Text, Mutator: nil},
			{Pattern: `#.*?\n`, Type: Comment, Mutator: nil},
			{Pattern: `(export)(\s+)(?=[\w${}\t -]+\n)`, Type: ByGroups(Keyword, Text), Mutator: Push("export")},
			{Pattern: `export\s+`, Type: Keyword, Mutator: nil},
			{Pattern: `([\w${}().-]+)(\s*)([!?:+]?=)([ \t]*)((?:.*\\\n)+|.*\n)`, Type: ByGroups(NameVariable, Text, Operator, Text, Using("Bash")), Mutator: nil},
			{Pattern: `(?s)"(\\\\|\\.|[^"\\])*"`, Type: LiteralStringDouble, Mutator: nil},
			{Pattern: `(?s)'(\\\\|\\.|[^'\\])*'`, Type: LiteralStringSingle, Mutator: nil},
			{Pattern: `([^\n:]+)(:+)([ \t]*)`, Type: ByGroups(NameFunction, Operator, Text), Mutator: Push("block-header")},
			{Pattern: `\$\(`, Type: Keyword, Mutator: Push("expansion")},
		},
		"expansion": {
			{Pattern: `[^$a-zA-Z_()]+`, Type: Text, Mutator: nil},
			{Pattern: `[a-zA-Z_]+`, Type: NameVariable, Mutator: nil},
			{Pattern: `\$`, Type: Keyword, Mutator: nil},
			{Pattern: `\(`, Type: Keyword, Mutator: Push()},
			{Pattern: `\)`, Type: Keyword, Mutator: Pop(1)},
		},
		"export": {
			{Pattern: `[\w${}-]+`, Type: NameVariable, Mutator: nil},
			{Pattern: `\n`, Type: Text, Mutator: Pop(1)},
			{Pattern: `\s+`, Type: Text, Mutator: nil},
		},
		"block-header": {
			{Pattern: `[,|]`, Type: Punctuation, Mutator: nil},
			{Pattern: `#.*?\n`, Type: Comment, Mutator: Pop(1)},
			{Pattern: `\\\n`, Type: Text, Mutator: nil},
			{Pattern: `\$\(`, Type: Keyword, Mutator: Push("expansion")},
			{Pattern: `[a-zA-Z_]+`, Type: Name, Mutator: nil},
			{Pattern: `\n`, Type: Text, Mutator: Pop(1)},
			{Pattern: `.`, Type: Text, Mutator: nil},
		},
	}
}
