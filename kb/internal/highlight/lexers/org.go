package lexers

import (
	. "github.com/alecthomas/chroma/v2" // nolint
)

// Org mode lexer.
var Org Lexer

func registerOrg() {
	Org = register(MustNewLexer(
		&Config{
			Name:      "Org Mode",
			Aliases:   []string{"org", "orgmode"},
			Filenames: []string{"*.org"},
			MimeTypes: []string{"text/org"}, // https://lists.gnu.org/r/emacs-orgmode/2017-09/msg00087.html
		},
		orgRules,
	))
}

func orgRules() Rules {
	return Rules{
		"root": {
			{Pattern: `^# .*$`, Type: Comment, Mutator: nil},
			// Headings
			{Pattern: `^(\*)( COMMENT)( .*)$`, Type: ByGroups(GenericHeading, NameEntity, GenericStrong), Mutator: nil},
			{Pattern: `^(\*\*+)( COMMENT)( .*)$`, Type: ByGroups(GenericSubheading, NameEntity, Text), Mutator: nil},
			{Pattern: `^(\*)( DONE)( .*)$`, Type: ByGroups(GenericHeading, LiteralStringRegex, GenericStrong), Mutator: nil},
			{Pattern: `^(\*\*+)( DONE)( .*)$`, Type: ByGroups(GenericSubheading, LiteralStringRegex, Text), Mutator: nil},
			{Pattern: `^(\*)( TODO)( .*)$`, Type: ByGroups(GenericHeading, Error, GenericStrong), Mutator: nil},
			{Pattern: `^(\*\*+)( TODO)( .*)$`, Type: ByGroups(GenericSubheading, Error, Text), Mutator: nil},
			{Pattern: `^(\*)( .+?)( :[a-zA-Z0-9_@:]+:)$`, Type: ByGroups(GenericHeading, GenericStrong, GenericEmph), Mutator: nil}, // Level 1 heading with tags
			{Pattern: `^(\*)( .+)$`, Type: ByGroups(GenericHeading, GenericStrong), Mutator: nil},                                   // // Level 1 heading with NO tags
			{Pattern: `^(\*\*+)( .+?)( :[a-zA-Z0-9_@:]+:)$`, Type: ByGroups(GenericSubheading, Text, GenericEmph), Mutator: nil},    // Level 2+ heading with tags
			{Pattern: `^(\*\*+)( .+)$`, Type: ByGroups(GenericSubheading, Text), Mutator: nil},                                      // Level 2+ heading with NO tags
			// Checkbox lists
			{Pattern: `^( *)([+-] )(\[[ X]\])( .+)$`, Type: ByGroups(Text, Keyword, Keyword, UsingSelf("inline")), Mutator: nil},
			{Pattern: `^( +)(\* )(\[[ X]\])( .+)$`, Type: ByGroups(Text, Keyword, Keyword, UsingSelf("inline")), Mutator: nil},
			// Definition lists
			{Pattern: `^( *)([+-] )([^ \n]+ ::)( .+)$`, Type: ByGroups(Text, Keyword, Keyword, UsingSelf("inline")), Mutator: nil},
			{Pattern: `^( +)(\* )([^ \n]+ ::)( .+)$`, Type: ByGroups(Text, Keyword, Keyword, UsingSelf("inline")), Mutator: nil},
			// Unordered lists
			{Pattern: `^( *)([+-] )(.+)$`, Type: ByGroups(Text, Keyword, UsingSelf("inline")), Mutator: nil},
			{Pattern: `^( +)(\* )(.+)$`, Type: ByGroups(Text, Keyword, UsingSelf("inline")), Mutator: nil},
			// Ordered lists
			{Pattern: `^( *)([0-9]+[.)])( \[@[0-9]+\])( .+)$`, Type: ByGroups(Text, Keyword, GenericEmph, UsingSelf("inline")), Mutator: nil},
			{Pattern: `^( *)([0-9]+[.)])( .+)$`, Type: ByGroups(Text, Keyword, UsingSelf("inline")), Mutator: nil},
			// Dynamic Blocks
			{Pattern: `(?i)^( *#\+begin: )([^ ]+)([\w\W]*?\n)([\w\W]*?)(^ *#\+end: *$)`, Type: ByGroups(Comment, CommentSpecial, Comment, UsingSelf("inline"), Comment), Mutator: nil},
			// Blocks
			// - Comment Blocks
			{Pattern: `(?i)^( *#\+begin_comment *\n)([\w\W]*?)(^ *#\+end_comment *$)`, Type: ByGroups(Comment, Comment, Comment), Mutator: nil},
			// - Src Blocks
			{Pattern: `(?i)^( *#\+begin_src )([^ \n]+)(.*?\n)([\w\W]*?)(^ *#\+end_src *$)`, Type: UsingByGroup(2, 4, Comment, CommentSpecial, Comment, Text, Comment), Mutator: nil},
			// - Export Blocks
			{Pattern: `(?i)^( *#\+begin_export )(\w+)( *\n)([\w\W]*?)(^ *#\+end_export *$)`, Type: UsingByGroup(2, 4, Comment, CommentSpecial, Text, Text, Comment), Mutator: nil},
			// - Org Special, Example, Verse, etc. Blocks
			{Pattern: `(?i)^( *#\+begin_)(\w+)( *\n)([\w\W]*?)(^ *#\+end_\2)( *$)`, Type: ByGroups(Comment, Comment, Text, Text, Comment, Text), Mutator: nil},
			// Keywords
			{Pattern: `^(#\+\w+)(:.*)$`, Type: ByGroups(CommentSpecial, Comment), Mutator: nil}, // Other Org keywords like #+title
			// Properties and Drawers
			{Pattern: `(?i)^( *:\w+: *\n)([\w\W]*?)(^ *:end: *$)`, Type: ByGroups(Comment, CommentSpecial, Comment), Mutator: nil},
			// Line break operator
			{Pattern: `^(.*)(\\\\)$`, Type: ByGroups(UsingSelf("inline"), Operator), Mutator: nil},
			// Deadline/Scheduled
			{Pattern: `(?i)^( *(?:DEADLINE|SCHEDULED): )(<[^<>]+?> *)$`, Type: ByGroups(Comment, CommentSpecial), Mutator: nil}, // DEADLINE/SCHEDULED: <datestamp>
			// DONE state CLOSED
			{Pattern: `(?i)^( *CLOSED: )(\[[^][]+?\] *)$`, Type: ByGroups(Comment, CommentSpecial), Mutator: nil}, // CLOSED: [datestamp]
			// All other lines
			Include("inline"),
		},
		"inline": {
			{Pattern: `(\s)*(\*[^ \n*][^*]+?[^ \n*]\*)((?=\W|\n|$))`, Type: ByGroups(Text, GenericStrong, Text), Mutator: nil},                          // Bold
			{Pattern: `(\s)*(/[^/]+?/)((?=\W|\n|$))`, Type: ByGroups(Text, GenericEmph, Text), Mutator: nil},                                            // Italic
			{Pattern: `(\s)*(=[^\n=]+?=)((?=\W|\n|$))`, Type: ByGroups(Text, NameClass, Text), Mutator: nil},                                            // Verbatim
			{Pattern: `(\s)*(~[^\n~]+?~)((?=\W|\n|$))`, Type: ByGroups(Text, NameClass, Text), Mutator: nil},                                            // Code
			{Pattern: `(\s)*(\+[^+]+?\+)((?=\W|\n|$))`, Type: ByGroups(Text, GenericDeleted, Text), Mutator: nil},                                       // Strikethrough
			{Pattern: `(\s)*(_[^_]+?_)((?=\W|\n|$))`, Type: ByGroups(Text, GenericUnderline, Text), Mutator: nil},                                       // Underline
			{Pattern: `(<)([^<>]+?)(>)`, Type: ByGroups(Text, String, Text), Mutator: nil},                                                              // <datestamp>
			{Pattern: `[{]{3}[^}]+[}]{3}`, Type: NameBuiltin, Mutator: nil},                                                                             // {{{macro(foo,1)}}}
			{Pattern: `([^[])(\[fn:)([^]]+?)(\])([^]])`, Type: ByGroups(Text, NameBuiltinPseudo, LiteralString, NameBuiltinPseudo, Text), Mutator: nil}, // [fn:1]
			// Links
			{Pattern: `(\[\[)([^][]+?)(\]\[)([^][]+)(\]\])`, Type: ByGroups(Text, NameAttribute, Text, NameTag, Text), Mutator: nil}, // [[link][descr]]
			{Pattern: `(\[\[)([^][]+?)(\]\])`, Type: ByGroups(Text, NameAttribute, Text), Mutator: nil},                              // [[link]]
			{Pattern: `(<<)([^<>]+?)(>>)`, Type: ByGroups(Text, NameAttribute, Text), Mutator: nil},                                  // <<targetlink>>
			// Tables
			{Pattern: `^( *)(\|[ -].*?[ -]\|)$`, Type: ByGroups(Text, String), Mutator: nil},
			// Blank lines, newlines
			{Pattern: `\n`, Type: Text, Mutator: nil},
			// Any other text
			{Pattern: `.`, Type: Text, Mutator: nil},
		},
	}
}
