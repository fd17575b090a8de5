package lexers

import (
	. "github.com/alecthomas/chroma/v2" // nolint
)

// HTML lexer.
var HTML Lexer

func registerHTML() {
	HTML = register(MustNewLexer(
		&Config{
			Name:            "HTML",
			Aliases:         []string{"html"},
			Filenames:       []string{"*.html", "*.htm", "*.xhtml", "*.xslt"},
			MimeTypes:       []string{"text/html", "application/xhtml+xml"},
			NotMultiline:    true,
			DotAll:          true,
			CaseInsensitive: true,
		},
		htmlRules,
	))
}

func htmlRules() Rules {
	return Rules{
		"root": {
			{Pattern: `[^<&]+`, Type: Text, Mutator: nil},
			{Pattern: `&\S*?;`, Type: NameEntity, Mutator: nil},
			{Pattern: `\<\!\[CDATA\[.*?\]\]\>`, Type: CommentPreproc, Mutator: nil},
			{Pattern: `<!--`, Type: Comment, Mutator: Push("comment")},
			{Pattern: `<\?.*?\?>`, Type: CommentPreproc, Mutator: nil},
			{Pattern: `<![^>]*>`, Type: CommentPreproc, Mutator: nil},
			{Pattern: `(<)(\s*)(script)(\s*)`, Type: ByGroups(Punctuation, Text, NameTag, Text), Mutator: Push("script-content", "tag")},
			{Pattern: `(<)(\s*)(style)(\s*)`, Type: ByGroups(Punctuation, Text, NameTag, Text), Mutator: Push("style-content", "tag")},
			{Pattern: `(<)(\s*)([\w:.-]+)`, Type: ByGroups(Punctuation, Text, NameTag), Mutator: Push("tag")},
			{Pattern: `(<)(\s*)(/)(\s*)([\w:.-]+)(\s*)(>)`, Type: ByGroups(Punctuation, Text, Punctuation, Text, NameTag, Text, Punctuation), Mutator: nil},
		},
		"comment": {
			{Pattern: `[^-]+`, Type: Comment, Mutator: nil},
			{Pattern: `-->`, Type: Comment, Mutator: Pop(1)},
			{Pattern: `-`, Type: Comment, Mutator: nil},
		},
		"tag": {
			{Pattern: `\s+`, Type: Text, Mutator: nil},
			{Pattern: `([\w:-]+\s*)(=)(\s*)`, Type: ByGroups(NameAttribute, Operator, Text), Mutator: Push("attr")},
			{Pattern: `[\w:-]+`, Type: NameAttribute, Mutator: nil},
			{Pattern: `(/?)(\s*)(>)`, Type: ByGroups(Punctuation, Text, Punctuation), Mutator: Pop(1)},
		},
		"script-content": {
			{Pattern: `(<)(\s*)(/)(\s*)(script)(\s*)(>)`, Type: ByGroups(Punctuation, Text, Punctuation, Text, NameTag, Text, Punctuation), Mutator: Pop(1)},
			{Pattern: `.+?(?=<\s*/\s*script\s*>)`, Type: Using("Javascript"), Mutator: nil},
		},
		"style-content": {
			{Pattern: `(<)(\s*)(/)(\s*)(style)(\s*)(>)`, Type: ByGroups(Punctuation, Text, Punctuation, Text, NameTag, Text, Punctuation), Mutator: Pop(1)},
			{Pattern: `.+?(?=<\s*/\s*style\s*>)`, Type: Using("CSS"), Mutator: nil},
		},
		"attr": {
			{Pattern: `".*?"`, Type: LiteralString, Mutator: Pop(1)},
			{Pattern: `'.*?'`, Type: LiteralString, Mutator: Pop(1)},
			{Pattern: `[^\s>]+`, Type: LiteralString, Mutator: Pop(1)},
		},
	}
}
