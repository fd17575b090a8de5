package lexers

import (
	. "github.com/alecthomas/chroma/v2" // nolint
)

// Smarty lexer.
var Smarty Lexer

func registerSmarty() {
	Smarty = register(MustNewLexer(
		&Config{
			Name:      "Smarty",
			Aliases:   []string{"smarty"},
			Filenames: []string{"*.tpl"},
			MimeTypes: []string{"application/x-smarty"},
			DotAll:    true,
		},
		smartyRules,
	))
}

func smartyRules() Rules {
	return Rules{
		"root": {
			{Pattern: `[^{]+`, Type: Other, Mutator: nil},
			{Pattern: `(\{)(\*.*?\*)(\})`, Type: ByGroups(CommentPreproc, Comment, CommentPreproc), Mutator: nil},
			{Pattern: `(\{php\})(.*?)(\{/php\})`, Type: ByGroups(CommentPreproc, Using("PHP"), CommentPreproc), Mutator: nil},
			{Pattern: `(\{)(/?[a-zA-Z_]\w*)(\s*)`, Type: ByGroups(CommentPreproc, NameFunction, Text), Mutator: Push("smarty")},
			{Pattern: `\{`, Type: CommentPreproc, Mutator: Push("smarty")},
		},
		"smarty": {
			{Pattern: `\s+`, Type: Text, Mutator: nil},
			{Pattern: `\{`, Type: CommentPreproc, Mutator: Push()},
			{Pattern: `\}`, Type: CommentPreproc, Mutator: Pop(1)},
			{Pattern: `#[a-zA-Z_]\w*#`, Type: NameVariable, Mutator: nil},
			{Pattern: `\$[a-zA-Z_]\w*(\.\w+)*`, Type: NameVariable, Mutator: nil},
			{Pattern: `[~!%^&*()+=|\[\]:;,.<>/?@-]`, Type: Operator, Mutator: nil},
			{Pattern: `(true|false|null)\b`, Type: KeywordConstant, Mutator: nil},
			{Pattern: `[0-9](\.[0-9]*)?(eE[+-][0-9])?[flFLdD]?|0[xX][0-9a-fA-F]+[Ll]?`, Type: LiteralNumber, Mutator: nil},
			{Pattern: `"(\\\\|\\"|[^"])*"`, Type: LiteralStringDouble, Mutator: nil},
			{Pattern: `'(\\\\|\\'|[^'])*'`, Type: LiteralStringSingle, Mutator: nil},
			{Pattern: `[a-zA-Z_]\w*`, Type: NameAttribute, Mutator: nil},
		},
	}
}
