package lexers

import (
	. "github.com/alecthomas/chroma/v2" // nolint
)

// BashSession lexer.
var BashSession Lexer

func registerBashSession() {
	BashSession = register(MustNewLexer(
		&Config{
			Name:      "BashSession",
			Aliases:   []string{"bash-session", "console", "shell-session"},
			Filenames: []string{".sh-session"},
			MimeTypes: []string{"text/x-sh"},
			EnsureNL:  true,
		},
		bashsessionRules,
	))
}

func bashsessionRules() Rules {
	return Rules{
		"root": {
			{Pattern: `^((?:\[[^]]+@[^]]+\]\s?)?[#$%>])(\s*)(.*\n?)`, Type: ByGroups(GenericPrompt, Text, Using("Bash")), Mutator: nil},
			{Pattern: `^.+\n?`, Type: GenericOutput, Mutator: nil},
		},
	}
}
