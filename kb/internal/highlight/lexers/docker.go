package lexers

import (
	. "github.com/alecthomas/chroma/v2" // nolint
)

// Docker lexer.
var Docker Lexer

func registerDocker() {
	Docker = register(MustNewLexer(
		&Config{
			Name:            "Docker",
			Aliases:         []string{"docker", "dockerfile"},
			Filenames:       []string{"Dockerfile", "*.docker"},
			MimeTypes:       []string{"text/x-dockerfile-config"},
			CaseInsensitive: true,
		},
		dockerRules,
	))
}

func dockerRules() Rules {
	return Rules{
		"root": {
			{Pattern: `#.*`, Type: Comment, Mutator: nil},
			{Pattern: `(ONBUILD)((?:\s*\\?\s*))`, Type: ByGroups(Keyword, Using("Bash")), Mutator: nil},
			{Pattern: `(HEALTHCHECK)(((?:\s*\\?\s*)--\w+=\w+(?:\s*\\?\s*))*)`, Type: ByGroups(Keyword, Using("Bash")), Mutator: nil},
			{Pattern: `(VOLUME|ENTRYPOINT|CMD|SHELL)((?:\s*\\?\s*))(\[.*?\])`, Type: ByGroups(Keyword, Using("Bash"), Using("JSON")), Mutator: nil},
			{Pattern: `(LABEL|ENV|ARG)((?:(?:\s*\\?\s*)\w+=\w+(?:\s*\\?\s*))*)`, Type: ByGroups(Keyword, Using("Bash")), Mutator: nil},
			{Pattern: `((?:FROM|MAINTAINER|EXPOSE|WORKDIR|USER|STOPSIGNAL)|VOLUME)\b(.*)`, Type: ByGroups(Keyword, LiteralString), Mutator: nil},
			{Pattern: `((?:RUN|CMD|ENTRYPOINT|ENV|ARG|LABEL|ADD|COPY))`, Type: Keyword, Mutator: nil},
			{Pattern: `(.*\\\n)*.+`, Type: Using("Bash"), Mutator: nil},
		},
	}
}
