package lexers

import (
	. "github.com/alecthomas/chroma/v2" // nolint
)

// caddyfileCommon are the rules common to both of the lexer variants
func caddyfileCommonRules() Rules {
	return Rules{
		"site_block_common": {
			// Import keyword
			{Pattern: `(import)(\s+)([^\s]+)`, Type: ByGroups(Keyword, Text, NameVariableMagic), Mutator: nil},
			// Matcher definition
			{Pattern: `@[^\s]+(?=\s)`, Type: NameDecorator, Mutator: Push("matcher")},
			// Matcher token stub for docs
			{Pattern: `\[\<matcher\>\]`, Type: NameDecorator, Mutator: Push("matcher")},
			// These cannot have matchers but may have things that look like
			// matchers in their arguments, so we just parse as a subdirective.
			{Pattern: `try_files`, Type: Keyword, Mutator: Push("subdirective")},
			// These are special, they can nest more directives
			{Pattern: `handle_errors|handle|route|handle_path|not`, Type: Keyword, Mutator: Push("nested_directive")},
			// Any other directive
			{Pattern: `[^\s#]+`, Type: Keyword, Mutator: Push("directive")},
			Include("base"),
		},
		"matcher": {
			{Pattern: `\{`, Type: Punctuation, Mutator: Push("block")},
			// Not can be one-liner
			{Pattern: `not`, Type: Keyword, Mutator: Push("deep_not_matcher")},
			// Any other same-line matcher
			{Pattern: `[^\s#]+`, Type: Keyword, Mutator: Push("arguments")},
			// Terminators
			{Pattern: `\n`, Type: Text, Mutator: Pop(1)},
			{Pattern: `\}`, Type: Punctuation, Mutator: Pop(1)},
			Include("base"),
		},
		"block": {
			{Pattern: `\}`, Type: Punctuation, Mutator: Pop(2)},
			// Not can be one-liner
			{Pattern: `not`, Type: Keyword, Mutator: Push("not_matcher")},
			// Any other subdirective
			{Pattern: `[^\s#]+`, Type: Keyword, Mutator: Push("subdirective")},
			Include("base"),
		},
		"nested_block": {
			{Pattern: `\}`, Type: Punctuation, Mutator: Pop(2)},
			// Matcher definition
			{Pattern: `@[^\s]+(?=\s)`, Type: NameDecorator, Mutator: Push("matcher")},
			// Something that starts with literally < is probably a docs stub
			{Pattern: `\<[^#]+\>`, Type: Keyword, Mutator: Push("nested_directive")},
			// Any other directive
			{Pattern: `[^\s#]+`, Type: Keyword, Mutator: Push("nested_directive")},
			Include("base"),
		},
		"not_matcher": {
			{Pattern: `\}`, Type: Punctuation, Mutator: Pop(2)},
			{Pattern: `\{(?=\s)`, Type: Punctuation, Mutator: Push("block")},
			{Pattern: `[^\s#]+`, Type: Keyword, Mutator: Push("arguments")},
			{Pattern: `\s+`, Type: Text, Mutator: nil},
		},
		"deep_not_matcher": {
			{Pattern: `\}`, Type: Punctuation, Mutator: Pop(2)},
			{Pattern: `\{(?=\s)`, Type: Punctuation, Mutator: Push("block")},
			{Pattern: `[^\s#]+`, Type: Keyword, Mutator: Push("deep_subdirective")},
			{Pattern: `\s+`, Type: Text, Mutator: nil},
		},
		"directive": {
			{Pattern: `\{(?=\s)`, Type: Punctuation, Mutator: Push("block")},
			Include("matcher_token"),
			Include("comments_pop_1"),
			{Pattern: `\n`, Type: Text, Mutator: Pop(1)},
			Include("base"),
		},
		"nested_directive": {
			{Pattern: `\{(?=\s)`, Type: Punctuation, Mutator: Push("nested_block")},
			Include("matcher_token"),
			Include("comments_pop_1"),
			{Pattern: `\n`, Type: Text, Mutator: Pop(1)},
			Include("base"),
		},
		"subdirective": {
			{Pattern: `\{(?=\s)`, Type: Punctuation, Mutator: Push("block")},
			Include("comments_pop_1"),
			{Pattern: `\n`, Type: Text, Mutator: Pop(1)},
			Include("base"),
		},
		"arguments": {
			{Pattern: `\{(?=\s)`, Type: Punctuation, Mutator: Push("block")},
			Include("comments_pop_2"),
			{Pattern: `\\\n`, Type: Text, Mutator: nil}, // Skip escaped newlines
			{Pattern: `\n`, Type: Text, Mutator: Pop(2)},
			Include("base"),
		},
		"deep_subdirective": {
			{Pattern: `\{(?=\s)`, Type: Punctuation, Mutator: Push("block")},
			Include("comments_pop_3"),
			{Pattern: `\n`, Type: Text, Mutator: Pop(3)},
			Include("base"),
		},
		"matcher_token": {
			{Pattern: `@[^\s]+`, Type: NameDecorator, Mutator: Push("arguments")},         // Named matcher
			{Pattern: `/[^\s]+`, Type: NameDecorator, Mutator: Push("arguments")},         // Path matcher
			{Pattern: `\*`, Type: NameDecorator, Mutator: Push("arguments")},              // Wildcard path matcher
			{Pattern: `\[\<matcher\>\]`, Type: NameDecorator, Mutator: Push("arguments")}, // Matcher token stub for docs
		},
		"comments": {
			{Pattern: `^#.*\n`, Type: CommentSingle, Mutator: nil},   // Comment at start of line
			{Pattern: `\s+#.*\n`, Type: CommentSingle, Mutator: nil}, // Comment preceded by whitespace
		},
		"comments_pop_1": {
			{Pattern: `^#.*\n`, Type: CommentSingle, Mutator: Pop(1)},   // Comment at start of line
			{Pattern: `\s+#.*\n`, Type: CommentSingle, Mutator: Pop(1)}, // Comment preceded by whitespace
		},
		"comments_pop_2": {
			{Pattern: `^#.*\n`, Type: CommentSingle, Mutator: Pop(2)},   // Comment at start of line
			{Pattern: `\s+#.*\n`, Type: CommentSingle, Mutator: Pop(2)}, // Comment preceded by whitespace
		},
		"comments_pop_3": {
			{Pattern: `^#.*\n`, Type: CommentSingle, Mutator: Pop(3)},   // Comment at start of line
			{Pattern: `\s+#.*\n`, Type: CommentSingle, Mutator: Pop(3)}, // Comment preceded by whitespace
		},
		"base": {
			Include("comments"),
			{Pattern: `(on|off|first|last|before|after|internal|strip_prefix|strip_suffix|replace)\b`, Type: NameConstant, Mutator: nil},
			{Pattern: `(https?://)?([a-z0-9.-]+)(:)([0-9]+)`, Type: ByGroups(Name, Name, Punctuation, LiteralNumberInteger), Mutator: nil},
			{Pattern: `[a-z-]+/[a-z-+]+`, Type: LiteralString, Mutator: nil},
			{Pattern: `[0-9]+[km]?\b`, Type: LiteralNumberInteger, Mutator: nil},
			{Pattern: `\{[\w+.\$-]+\}`, Type: LiteralStringEscape, Mutator: nil}, // Placeholder
			{Pattern: `\[(?=[^#{}$]+\])`, Type: Punctuation, Mutator: nil},
			{Pattern: `\]|\|`, Type: Punctuation, Mutator: nil},
			{Pattern: `[^\s#{}$\]]+`, Type: LiteralString, Mutator: nil},
			{Pattern: `/[^\s#]*`, Type: Name, Mutator: nil},
			{Pattern: `\s+`, Type: Text, Mutator: nil},
		},
	}
}

// Caddyfile lexer.
var Caddyfile Lexer

func registerCaddyfile() {
	Caddyfile = register(MustNewLexer(
		&Config{
			Name:      "Caddyfile",
			Aliases:   []string{"caddyfile", "caddy"},
			Filenames: []string{"Caddyfile*"},
			MimeTypes: []string{},
		},
		caddyfileRules,
	))
}

func caddyfileRules() Rules {
	return Rules{
		"root": {
			Include("comments"),
			// Global options block
			{Pattern: `^\s*(\{)\s*$`, Type: ByGroups(Punctuation), Mutator: Push("globals")},
			// Snippets
			{Pattern: `(\([^\s#]+\))(\s*)(\{)`, Type: ByGroups(NameVariableAnonymous, Text, Punctuation), Mutator: Push("snippet")},
			// Site label
			{Pattern: `[^#{(\s,]+`, Type: GenericHeading, Mutator: Push("label")},
			// Site label with placeholder
			{Pattern: `\{[\w+.\$-]+\}`, Type: LiteralStringEscape, Mutator: Push("label")},
			{Pattern: `\s+`, Type: Text, Mutator: nil},
		},
		"globals": {
			{Pattern: `\}`, Type: Punctuation, Mutator: Pop(1)},
			{Pattern: `[^\s#]+`, Type: Keyword, Mutator: Push("directive")},
			Include("base"),
		},
		"snippet": {
			{Pattern: `\}`, Type: Punctuation, Mutator: Pop(1)},
			// Matcher definition
			{Pattern: `@[^\s]+(?=\s)`, Type: NameDecorator, Mutator: Push("matcher")},
			// Any directive
			{Pattern: `[^\s#]+`, Type: Keyword, Mutator: Push("directive")},
			Include("base"),
		},
		"label": {
			// Allow multiple labels, comma separated, newlines after
			// a comma means another label is coming
			{Pattern: `,\s*\n?`, Type: Text, Mutator: nil},
			{Pattern: ` `, Type: Text, Mutator: nil},
			// Site label with placeholder
			{Pattern: `\{[\w+.\$-]+\}`, Type: LiteralStringEscape, Mutator: nil},
			// Site label
			{Pattern: `[^#{(\s,]+`, Type: GenericHeading, Mutator: nil},
			// Comment after non-block label (hack because comments end in \n)
			{Pattern: `#.*\n`, Type: CommentSingle, Mutator: Push("site_block")},
			// Note: if \n, we'll never pop out of the site_block, it's valid
			{Pattern: `\{(?=\s)|\n`, Type: Punctuation, Mutator: Push("site_block")},
		},
		"site_block": {
			{Pattern: `\}`, Type: Punctuation, Mutator: Pop(2)},
			Include("site_block_common"),
		},
	}.Merge(caddyfileCommonRules())
}

// Caddyfile directive-only lexer.
var CaddyfileDirectives Lexer

func registerCaddyfileDirectives() {
	CaddyfileDirectives = register(MustNewLexer(
		&Config{
			Name:      "Caddyfile Directives",
			Aliases:   []string{"caddyfile-directives", "caddyfile-d", "caddy-d"},
			Filenames: []string{},
			MimeTypes: []string{},
		},
		caddyfileDirectivesRules,
	))
}

func caddyfileDirectivesRules() Rules {
	return Rules{
		// Same as "site_block" in Caddyfile
		"root": {
			Include("site_block_common"),
		},
	}.Merge(caddyfileCommonRules())
}
