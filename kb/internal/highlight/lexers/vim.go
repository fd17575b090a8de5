package lexers

import (
	. "github.com/alecthomas/chroma/v2" // nolint
)

// Viml lexer.
var Viml Lexer

func registerViml() {
	Viml = register(MustNewLexer(
		&Config{
			Name:      "VimL",
			Aliases:   []string{"vim"},
			Filenames: []string{"*.vim", ".vimrc", ".exrc", ".gvimrc", "_vimrc", "_exrc", "_gvimrc", "vimrc", "gvimrc"},
			MimeTypes: []string{"text/x-vim"},
		},
		vimlRules,
	))
}

func vimlRules() Rules {
	return Rules{
		"root": {
			{Pattern: `^([ \t:]*)(py(?:t(?:h(?:o(?:n)?)?)?)?)([ \t]*)(<<)([ \t]*)(.*)((?:\n|.)*)(\6)`, Type: ByGroups(UsingSelf("root"), Keyword, Text, Operator, Text, Text, Using("Python"), Text), Mutator: nil},
			{Pattern: `^([ \t:]*)(py(?:t(?:h(?:o(?:n)?)?)?)?)([ \t])(.*)`, Type: ByGroups(UsingSelf("root"), Keyword, Text, Using("Python")), Mutator: nil},
			{Pattern: `^\s*".*`, Type: Comment, Mutator: nil},
			{Pattern: `[ \t]+`, Type: Text, Mutator: nil},
			{Pattern: `/(\\\\|\\/|[^\n/])*/`, Type: LiteralStringRegex, Mutator: nil},
			{Pattern: `"(\\\\|\\"|[^\n"])*"`, Type: LiteralStringDouble, Mutator: nil},
			{Pattern: `'(''|[^\n'])*'`, Type: LiteralStringSingle, Mutator: nil},
			{Pattern: `(?<=\s)"[^\-:.%#=*].*`, Type: Comment, Mutator: nil},
			{Pattern: `-?\d+`, Type: LiteralNumber, Mutator: nil},
			{Pattern: `#[0-9a-f]{6}`, Type: LiteralNumberHex, Mutator: nil},
			{Pattern: `^:`, Type: Punctuation, Mutator: nil},
			{Pattern: `[()<>+=!|,~-]`, Type: Punctuation, Mutator: nil},
			{Pattern: `\b(let|if|else|endif|elseif|fun|function|endfunction)\b`, Type: Keyword, Mutator: nil},
			{Pattern: `\b(NONE|bold|italic|underline|dark|light)\b`, Type: NameBuiltin, Mutator: nil},
			{Pattern: `\b\w+\b`, Type: NameOther, Mutator: nil},
			{Pattern: `.`, Type: Text, Mutator: nil},
		},
	}
}
